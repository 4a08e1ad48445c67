package dev.runex.workers.internal.cleanup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Every process of one job, and how to end them all. Members are the descendants of the process the
 * worker started — inside bubblewrap that is everything in the job's PID namespace, since orphans
 * are re-parented to the namespace's init — plus, without bubblewrap, every process still in the
 * job's process group (a double-forked daemon is not a descendant any more, but it keeps the group
 * unless it calls setsid itself).
 *
 * <p>Cleanup of a process attempt, by the process sandbox: {@link #terminate} at the deadline or
 * when the attempt is cancelled (SIGTERM to every member except the wrappers — bwrap, GNU time:
 * they must outlive the job to report on it — up to {@code runex.worker.killGrace} for the job to
 * exit, then SIGKILL to the job's processes, a moment for the wrappers to write their report and
 * exit, and SIGKILL to whatever is left, wrappers included; killing bwrap also kills its
 * namespace's init, and with it every process in the namespace), and {@link #killAll} after every
 * run however it ended, so nothing of a job outlives it (a finished job's leftovers included).
 */
public final class ProcessTree {
  /** How long the wrappers get to report and exit after the job's processes were killed. */
  static final Duration REPORT_WAIT = Duration.ofSeconds(2);

  private final Process process;
  private final boolean ownProcessGroup;
  private final Set<String> wrappers;

  /**
   * @param ownProcessGroup the job was started in a process group of its own (setsid, without
   *     bubblewrap): members of that group count too
   * @param wrappers executables that wrap the job and must outlive its SIGTERM
   */
  public ProcessTree(Process process, boolean ownProcessGroup, Set<Path> wrappers) {
    this.process = process;
    this.ownProcessGroup = ownProcessGroup;
    this.wrappers = wrappers.stream().map(Path::toString).collect(Collectors.toSet());
  }

  /** The job's processes alive now (the started process excluded). */
  public Set<ProcessHandle> members() {
    Set<ProcessHandle> all = new LinkedHashSet<>();
    process.toHandle().descendants().forEach(all::add);
    if (ownProcessGroup) {
      all.addAll(processGroup(process.pid()));
    }
    all.removeIf(h -> h.pid() == process.pid() || !h.isAlive());
    return all;
  }

  /**
   * Ends the job: TERM, up to {@code grace}, KILL. Runs to completion even when the calling thread
   * is interrupted (the interrupt is kept for the caller).
   */
  public void terminate(Duration grace) {
    boolean interrupted = Thread.interrupted();
    try {
      for (ProcessHandle h : members()) {
        if (!isWrapper(h)) {
          h.destroy();
        }
      }
      long deadline = System.nanoTime() + grace.toNanos();
      while (process.isAlive() && System.nanoTime() < deadline) {
        try {
          process.waitFor(
              Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
              TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      killAll();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * SIGKILL to every member and the started process; waits (bounded) for the started process to go.
   * The job's own processes are killed first and the wrappers given {@link #REPORT_WAIT} to end by
   * themselves: GNU time writes its CPU and memory report only once it has reaped its child, so
   * killing it together with the job would lose the usage of every job stopped at its deadline or
   * cancelled.
   */
  public void killAll() {
    boolean interrupted = Thread.interrupted();
    try {
      for (int round = 0; round < 3; round++) {
        Set<ProcessHandle> left = members();
        boolean jobKilled = false;
        for (ProcessHandle h : left) {
          if (!isWrapper(h)) {
            jobKilled |= h.destroyForcibly();
          }
        }
        if (jobKilled) {
          interrupted |= awaitExit(REPORT_WAIT);
        }
        members().forEach(ProcessHandle::destroyForcibly);
        // through the handle, not Process.destroyForcibly(): that also closes the pipes, and a job
        // that has just exited may still have output in them that the capture threads have not read
        process.toHandle().destroyForcibly();
        interrupted |= awaitExit(Duration.ofSeconds(5));
        if (members().isEmpty()) {
          return;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits up to {@code max} for the started process to exit; true when interrupted meanwhile. */
  private boolean awaitExit(Duration max) {
    try {
      process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  private boolean isWrapper(ProcessHandle h) {
    Optional<String> command = h.info().command();
    return command.isPresent() && wrappers.contains(command.get());
  }

  /** Processes whose process group is {@code pgid}, found in /proc. */
  static Set<ProcessHandle> processGroup(long pgid) {
    Set<ProcessHandle> out = new LinkedHashSet<>();
    try (DirectoryStream<Path> procs =
        Files.newDirectoryStream(
            Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        if (processGroupOf(p) == pgid) {
          ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(out::add);
        }
      }
    } catch (IOException e) {
      // no /proc: descendants only
    }
    return out;
  }

  private static long processGroupOf(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the
      // last ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (IOException | RuntimeException e) {
      return -1; // gone meanwhile
    }
  }
}

package dev.runex.workers.internal.cleanup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>bwrap's outer process (the one the worker started) exits as soon as its namespace's init
 * reports that the job's first process has exited; the init and the job's other processes are still
 * ending then, no longer descendants of anything the worker holds. So with bubblewrap {@link
 * #killAll} also kills the namespace's init and returns once it is gone: the kernel ends a PID
 * namespace's init only after every other process in it is gone. The init is known as the started
 * process's first child ({@link #findSandboxInit}, while the job runs), or else by the run's own
 * sandbox argument on its command line (the attempt directory), which only a process not yet
 * exiting still shows.
 */
public final class ProcessTree {
  /** How long the wrappers get to report and exit after the job's processes were killed. */
  static final Duration REPORT_WAIT = Duration.ofSeconds(2);

  /** How long {@link #killAll} waits for the processes carrying the sandbox argument to go. */
  static final Duration SANDBOX_WAIT = Duration.ofSeconds(5);

  private final Process process;
  private final boolean ownProcessGroup;
  private final Set<String> wrappers;
  private final String sandboxArgument;
  private volatile ProcessHandle sandboxInit;

  /**
   * @param ownProcessGroup the job was started in a process group of its own (setsid, without
   *     bubblewrap): members of that group count too
   * @param wrappers executables that wrap the job and must outlive its SIGTERM
   * @param sandboxArgument a command-line argument only this run's sandbox carries (bubblewrap's
   *     attempt directory), or null without a sandbox: every process with it as a whole argument
   *     belongs to the run, and {@link #killAll} ends them too
   */
  public ProcessTree(
      Process process, boolean ownProcessGroup, Set<Path> wrappers, String sandboxArgument) {
    this.process = process;
    this.ownProcessGroup = ownProcessGroup;
    this.wrappers = wrappers.stream().map(Path::toString).collect(Collectors.toSet());
    this.sandboxArgument = sandboxArgument;
  }

  /**
   * With a sandbox: waits up to {@code max} for the started process's first child, bwrap's
   * namespace init, and keeps it for {@link #killAll}: once the init is exiting, /proc shows its
   * command line empty, while it waits for the rest of its namespace to end. Returns early when the
   * started process exits.
   */
  public void findSandboxInit(Duration max) throws InterruptedException {
    if (sandboxArgument == null) {
      return;
    }
    long deadline = System.nanoTime() + max.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      Optional<ProcessHandle> init = process.toHandle().children().findFirst();
      if (init.isPresent()) {
        sandboxInit = init.get();
        return;
      }
      Thread.sleep(1);
    }
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
   * SIGKILL to every member and the started process; waits (bounded) for the started process to go,
   * and then for every process carrying the sandbox argument (killed as well). The job's own
   * processes are killed first and the wrappers given {@link #REPORT_WAIT} to end by themselves:
   * GNU time writes its CPU and memory report only once it has reaped its child, so killing it
   * together with the job would lose the usage of every job stopped at its deadline or cancelled.
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
          break;
        }
      }
      interrupted |= endSandbox();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Kills the sandbox's init and the processes carrying the sandbox argument until none is left,
   * for up to {@link #SANDBOX_WAIT}; true when interrupted meanwhile (it goes on regardless).
   */
  private boolean endSandbox() {
    if (sandboxArgument == null) {
      return false;
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + SANDBOX_WAIT.toNanos();
    for (Set<ProcessHandle> left = sandboxLeft(); !left.isEmpty(); left = sandboxLeft()) {
      left.forEach(ProcessHandle::destroyForcibly);
      if (System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  private Set<ProcessHandle> sandboxLeft() {
    Set<ProcessHandle> left = withArgument(sandboxArgument);
    ProcessHandle init = sandboxInit;
    // isAlive also makes sure the pid is still the init's (its start time), but holds a zombie
    // alive
    if (init != null && init.isAlive() && !isZombie(init.pid())) {
      left.add(init);
    }
    return left;
  }

  private static boolean isZombie(long pid) {
    try {
      return stateOf(Path.of("/proc", Long.toString(pid))) == 'Z';
    } catch (IOException | RuntimeException e) {
      return true; // gone meanwhile: over as well
    }
  }

  /**
   * Live processes (zombies are over: their parent has only to reap them) with {@code argument} as
   * one whole argument of their command line.
   */
  static Set<ProcessHandle> withArgument(String argument) {
    String wanted = "\0" + argument + "\0";
    return inProc(
        p -> {
          String cmdline =
              "\0" + new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          return cmdline.contains(wanted) && stateOf(p) != 'Z';
        });
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
    return inProc(p -> processGroupOf(p) == pgid);
  }

  /** A test on one process's /proc directory; a process gone meanwhile is passed over. */
  private interface ProcTest {
    boolean matches(Path proc) throws IOException;
  }

  /** The processes in /proc that pass {@code test}; none without /proc. */
  private static Set<ProcessHandle> inProc(ProcTest test) {
    Set<ProcessHandle> out = new LinkedHashSet<>();
    try (DirectoryStream<Path> procs =
        Files.newDirectoryStream(
            Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path p : procs) {
        try {
          if (test.matches(p)) {
            ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(out::add);
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      // no /proc: descendants only
    }
    return out;
  }

  /**
   * The fields after "pid (comm) ": comm may hold spaces and parentheses, so after the last ')'.
   */
  private static String[] statFields(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  private static char stateOf(Path proc) throws IOException {
    return statFields(proc)[0].charAt(0);
  }

  private static long processGroupOf(Path proc) throws IOException {
    return Long.parseLong(statFields(proc)[2]);
  }
}

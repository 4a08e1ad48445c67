package dev.runex.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server child process (the Kafka broker or the schema registry) whose stdout and stderr go to
 * a log file. Closing it stops exactly this process and its descendants, by pid: SIGTERM first so
 * the server shuts down cleanly, SIGKILL after a grace period.
 *
 * <p>A server runs in a session of its own ({@code setsid}, where installed), so the Ctrl-C that a
 * terminal sends to the whole foreground process group reaches only runex, which then stops its
 * clients before their broker. Its pid is recorded in {@code <dir>/}{@value #PID_FILE} and its
 * command line carries {@link #marker(Path)}: a runex that was killed leaves the server running,
 * and the next start finds it by that pid and makes sure, by the marker, that the pid still is that
 * server before it stops it ({@link #stopSurvivor}).
 */
final class ServerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
  static final Duration STOP_GRACE = Duration.ofSeconds(20);
  static final String PID_FILE = "server.pid";

  /** The server's {@code java.io.tmpdir} under its folder, emptied at every start. */
  static final String SCRATCH_DIR = "tmp";

  private static final String MARKER_PROPERTY = "-Drunex.server.dir=";
  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
  private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");

  private final String name;
  private final Process process;
  private final Path logFile;
  private volatile Path pidFile;

  private ServerProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * The JVM option that marks a server of {@code dir} (its command line must carry it for {@link
   * #stopSurvivor} to stop it).
   */
  static String marker(Path dir) {
    return MARKER_PROPERTY + dir.toAbsolutePath().normalize();
  }

  /**
   * Starts the server {@code command} (carrying {@link #marker} of {@code workDir}) in {@code
   * workDir} in a session of its own, its {@code java.io.tmpdir} the emptied {@code
   * workDir/}{@value #SCRATCH_DIR} ({@link ScratchDir}), appending its output to {@code logFile},
   * and records its pid in {@code workDir/}{@value #PID_FILE}.
   */
  static ServerProcess launchServer(String name, List<String> command, Path workDir, Path logFile) {
    if (!command.contains(marker(workDir))) {
      throw new IllegalArgumentException(name + " command lacks " + marker(workDir));
    }
    List<String> argv = new ArrayList<>();
    // setsid execs the command in place (the child of a JVM leads no process group), so the pid
    // stays the server's own
    SETSID.stream().filter(Files::isExecutable).findFirst().ifPresent(s -> argv.add(s.toString()));
    argv.addAll(ScratchDir.use(workDir.resolve(SCRATCH_DIR), command));
    ServerProcess server = launch(name, argv, workDir, logFile);
    try {
      Files.writeString(workDir.resolve(PID_FILE), Long.toString(server.pid()));
      server.pidFile = workDir.resolve(PID_FILE);
    } catch (IOException e) {
      server.close();
      throw new LocalInfraException(
          "cannot record the pid of " + name + " in " + workDir + ": " + e.getMessage(), e);
    }
    return server;
  }

  /** Starts {@code command} in {@code workDir}, appending its output to {@code logFile}. */
  static ServerProcess launch(String name, List<String> command, Path workDir, Path logFile) {
    return launch(name, command, workDir, logFile, Map.of());
  }

  /** As {@link #launch(String, List, Path, Path)}, with {@code env} added to the environment. */
  static ServerProcess launch(
      String name, List<String> command, Path workDir, Path logFile, Map<String, String> env) {
    try {
      Files.createDirectories(workDir);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      pb.environment().putAll(env);
      Process p = pb.start();
      log.info("Started {} (pid {}), log {}", name, p.pid(), logFile);
      log.debug("{} command: {}", name, command);
      return new ServerProcess(name, p, logFile);
    } catch (IOException e) {
      throw new LocalInfraException(
          "cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  /**
   * Stops the server that {@code dir}'s pid file records, if it still runs: only when the process
   * with that pid carries the server's {@link #marker} (a pid reused by another program is left
   * alone). SIGKILL at once — its data is about to be deleted. Returns the pid it stopped.
   */
  static OptionalLong stopSurvivor(Path dir) {
    Path pidFile = dir.resolve(PID_FILE);
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isEmpty()) {
      return OptionalLong.empty();
    }
    List<String> args = handle.get().info().arguments().map(List::of).orElse(List.of());
    if (!args.contains(marker(dir))) {
      log.info("pid {} from {} is not that server any more ({}): left alone", pid, pidFile, args);
      return OptionalLong.empty();
    }
    List<ProcessHandle> descendants = handle.get().descendants().toList();
    handle.get().destroyForcibly();
    awaitExit(handle.get(), 10);
    descendants.forEach(ProcessHandle::destroyForcibly);
    return OptionalLong.of(pid);
  }

  /**
   * Runs a short-lived tool to completion (e.g. Kafka's storage formatter), its output appended to
   * {@code logFile}; fails with that output when it exits non-zero or outlives {@code
   * timeoutSeconds}.
   */
  static void runToCompletion(
      String name, List<String> command, Path workDir, Path logFile, long timeoutSeconds) {
    ServerProcess tool = launch(name, command, workDir, logFile);
    try {
      if (!tool.process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        tool.close();
        throw new LocalInfraException(
            name + " did not finish within " + timeoutSeconds + " s" + tool.logTailSection());
      }
      if (tool.process.exitValue() != 0) {
        throw new LocalInfraException(
            name + " failed with exit code " + tool.process.exitValue() + tool.logTailSection());
      }
    } catch (InterruptedException e) {
      tool.close();
      Thread.currentThread().interrupt();
      throw new LocalInfraException("interrupted while waiting for " + name, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  /**
   * Fails fast, with the log tail, when the server has already exited (e.g. port taken, bad
   * config).
   */
  void requireAlive() {
    if (!process.isAlive()) {
      // No log tail here: the caller reporting the failed start appends it once.
      throw new LocalInfraException(
          name
              + " (pid "
              + pid()
              + ") exited with code "
              + process.exitValue()
              + " while starting");
    }
  }

  /** A message section with the last lines of the server's log, for startup errors. */
  String logTailSection() {
    return "\n--- last lines of "
        + logFile
        + " ---\n"
        + tail(logFile, 40)
        + "--- end of "
        + logFile
        + " ---";
  }

  /**
   * The last {@code lines} lines of {@code file}, or a note why there are none. Stack frames are
   * skipped: in a short tail they would crowd out the messages and "Caused by" lines that explain.
   */
  static String tail(Path file, int lines) {
    if (!Files.exists(file)) {
      return "(no log file)\n";
    }
    try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
      Deque<String> last = new ArrayDeque<>(lines);
      all.filter(line -> !STACK_FRAME.matcher(line).lookingAt())
          .forEach(
              line -> {
                if (last.size() == lines) {
                  last.removeFirst();
                }
                last.addLast(line);
              });
      return last.isEmpty() ? "(log is empty)\n" : String.join("\n", last) + "\n";
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read log: " + e.getMessage() + ")\n";
    }
  }

  /** Stops the server with the full grace period ({@link #close(Duration)}). */
  @Override
  public void close() {
    close(STOP_GRACE);
  }

  /**
   * Stops the server: SIGTERM, up to {@code grace} for a clean shutdown (Kafka flushes and closes
   * its logs), then SIGKILL. Descendants are collected before the parent goes, since an orphan is
   * no longer reachable through it. Removes the pid file. Idempotent.
   */
  void close(Duration grace) {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      long started = System.nanoTime();
      process.destroy();
      if (!awaitExit(process.toHandle(), grace.toMillis())) {
        log.info(
            "{} (pid {}) did not stop within {} ms after SIGTERM; killing it",
            name,
            pid(),
            grace.toMillis());
        process.destroyForcibly();
        awaitExit(process.toHandle(), 5_000);
      }
      log.info(
          "Stopped {} (pid {}) in {} ms",
          name,
          pid(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
    }
    for (ProcessHandle child : descendants) {
      if (child.isAlive()) {
        child.destroy();
        if (!awaitExit(child, 5_000)) {
          child.destroyForcibly();
        }
      }
    }
    if (pidFile != null) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        log.debug("cannot remove the pid file of {}: {}", name, e.toString());
      }
    }
  }

  private static boolean awaitExit(ProcessHandle handle, long millis) {
    try {
      handle.onExit().get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !handle.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    }
  }
}

package dev.runex.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
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
 */
final class ServerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
  static final long STOP_GRACE_SECONDS = 20;
  private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");

  private final String name;
  private final Process process;
  private final Path logFile;

  private ServerProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
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

  /**
   * Stops the server: SIGTERM, up to {@value #STOP_GRACE_SECONDS} s for a clean shutdown (Kafka
   * flushes and closes its logs), then SIGKILL. Descendants are collected before the parent goes,
   * since an orphan is no longer reachable through it. Idempotent.
   */
  @Override
  public void close() {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      process.destroy();
      if (!awaitExit(process.toHandle(), STOP_GRACE_SECONDS)) {
        log.warn(
            "{} (pid {}) did not stop within {} s after SIGTERM; killing it",
            name,
            pid(),
            STOP_GRACE_SECONDS);
        process.destroyForcibly();
        awaitExit(process.toHandle(), 5);
      }
      log.info("Stopped {} (pid {})", name, pid());
    }
    for (ProcessHandle child : descendants) {
      if (child.isAlive()) {
        child.destroy();
        if (!awaitExit(child, 5)) {
          child.destroyForcibly();
        }
      }
    }
  }

  private static boolean awaitExit(ProcessHandle handle, long seconds) {
    try {
      handle.onExit().get(seconds, TimeUnit.SECONDS);
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

package dev.runex.topology.status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the job-status application's stream threads (raises their nice value
 * by {@code runex.topology.statusNice}), so that where they share cores with the jobs path — the
 * topology's own stream thread, the worker, the broker — a job waits less behind the folding of
 * statuses, which is a view that may trail by a moment. Linux only: a thread finds its own id in
 * {@code /proc/thread-self} and runs {@code renice} on it once; Java has no call for a thread's
 * nice value. Where that fails (another OS, no {@code renice}), the threads run at the process's
 * priority and one warning says so.
 *
 * <p>Only Kafka Streams' own stream threads are lowered, never a caller's thread (a {@code
 * TopologyTestDriver} runs the processors on the test's thread).
 */
final class StatusThreadPriority {
  private static final Logger log = LoggerFactory.getLogger(StatusThreadPriority.class);
  private static final ThreadLocal<Boolean> LOWERED = new ThreadLocal<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final String STREAM_THREAD = "-StreamThread-";
  private static final int LOWEST = 19;
  private static final Path OWN_STAT = Path.of("/proc/thread-self/stat"); // the calling thread's

  private StatusThreadPriority() {}

  /**
   * Raises the current stream thread's nice value by {@code by} (at most to 19), once per thread.
   */
  static void lowerCurrentThread(int by) {
    Thread thread = Thread.currentThread();
    if (by <= 0 || LOWERED.get() != null || !thread.getName().contains(STREAM_THREAD)) {
      return;
    }
    LOWERED.set(Boolean.TRUE);
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // <pid>/task/<tid>
      String tid = self.getFileName().toString();
      int before = niceOf(Files.readString(OWN_STAT));
      int target = Math.min(LOWEST, before + by);
      // "renice <priority> -p <id>": the absolute form util-linux and busybox both accept
      Process renice =
          new ProcessBuilder("renice", Integer.toString(target), "-p", tid)
              .redirectErrorStream(true)
              .start();
      String out = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (renice.waitFor() != 0) { // its output ended: it has exited or is about to
        throw new IOException("renice failed: " + out.trim());
      }
      int after = niceOf(Files.readString(OWN_STAT));
      if (after != target) {
        throw new IOException("nice is " + after + " after renice to " + target);
      }
      log.info(
          "job-status stream thread {} runs at nice {} (was {})", thread.getName(), after, before);
    } catch (IOException | RuntimeException e) {
      if (WARNED.compareAndSet(false, true)) {
        log.warn(
            "could not lower the job-status threads' CPU priority ({}); they run at the process's",
            e.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The nice value in a {@code /proc/.../stat} line: its 19th field, counted after the command
   * name, which is in parentheses and may hold spaces.
   */
  static int niceOf(String stat) {
    String afterName = stat.substring(stat.lastIndexOf(')') + 2);
    return Integer.parseInt(afterName.split(" ")[16]); // fields 3, 4, ... : 19 is the 17th
  }
}

package dev.runex.bench.measure;

import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of the bench JVM's live threads, each with the part of runex it works for (told by its
 * name): which part of the system under test a job's CPU goes to. A thread that ended between two
 * samples is not counted in their difference; its CPU stays in the JVM's total only.
 *
 * @param threads thread id → its part and CPU time
 */
public record ThreadCpu(Map<Long, Use> threads) {
  /** The job-status application's stream threads and their clients' I/O threads. */
  public static final String STATUS = "job-status app";

  /** The topology's stream threads and their clients' I/O threads. */
  public static final String TOPOLOGY = "topology";

  /** The worker's poll thread, its job threads and its clients' I/O threads. */
  public static final String WORKER = "worker";

  /**
   * Every other Java thread: the bench's load and result readers, the bare chain, the clients'
   * threads of either, the JVM's own Java threads.
   */
  public static final String OTHER = "other";

  /** One thread's part and CPU time. */
  public record Use(String part, long nanos) {}

  public ThreadCpu {
    threads = Map.copyOf(threads);
  }

  /** Now, from {@code mx}; empty when the JVM does not measure thread CPU time. */
  static ThreadCpu of(ThreadMXBean mx) {
    Map<Long, Use> threads = new HashMap<>();
    if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
      return new ThreadCpu(threads);
    }
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue; // ended since the ids were listed
      }
      long nanos = mx.getThreadCpuTime(info.getThreadId());
      if (nanos >= 0) {
        threads.put(info.getThreadId(), new Use(partOf(info.getThreadName()), nanos));
      }
    }
    return new ThreadCpu(threads);
  }

  /**
   * The part a thread works for, by the names runex gives its threads and clients: the status
   * application's application id is the topology's ({@code <prefix>topology}) with {@code -status}
   * appended, and it is in the names of their stream threads and clients' threads; the worker's
   * clients are {@code runex-worker-<worker id>...}, its job threads {@code runex-job-<n>}.
   */
  static String partOf(String threadName) {
    if (threadName.contains("topology-status")) {
      return STATUS;
    }
    if (threadName.contains("topology")) {
      return TOPOLOGY;
    }
    if (threadName.startsWith("runex-worker")
        || threadName.startsWith("runex-job-")
        || threadName.contains("| runex-worker-")) {
      return WORKER;
    }
    return OTHER;
  }

  /** The CPU each thread alive at both samples used since {@code earlier}. */
  public ThreadCpu since(ThreadCpu earlier) {
    Map<Long, Use> used = new HashMap<>();
    threads.forEach(
        (id, use) -> {
          Use before = earlier.threads.get(id);
          long since = use.nanos - (before == null ? 0 : before.nanos);
          used.put(id, new Use(use.part, since));
        });
    return new ThreadCpu(used);
  }

  /** CPU time of all the threads. */
  public Duration total() {
    return Duration.ofNanos(threads.values().stream().mapToLong(Use::nanos).sum());
  }

  /** CPU time by part, summed over the threads. */
  public Map<String, Duration> byPart() {
    Map<String, Duration> parts = new TreeMap<>();
    threads.values().forEach(u -> parts.merge(u.part, Duration.ofNanos(u.nanos), Duration::plus));
    return parts;
  }
}

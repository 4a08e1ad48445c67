package dev.runex.bench.measure;

import java.time.Duration;

/**
 * CPU time (user + system, all cores) used by the bench JVM — the system under test runs in it —
 * and by the servers the bench started (Kafka broker, schema registry), since each process started
 * or between two samples; the bench JVM's Java threads' CPU time, by the part of runex each works
 * for; and the threads that run no Java code (JIT compilers, collector, RocksDB), by kind, of the
 * bench JVM and of the servers.
 */
public record CpuUse(
    Duration benchJvm,
    Duration servers,
    ThreadCpu threads,
    NativeThreadCpu benchNative,
    NativeThreadCpu serversNative) {

  /** Without the threads that run no Java code. */
  public CpuUse(Duration benchJvm, Duration servers, ThreadCpu threads) {
    this(benchJvm, servers, threads, NativeThreadCpu.none(), NativeThreadCpu.none());
  }

  public Duration total() {
    return benchJvm.plus(servers);
  }

  /** What was used between {@code earlier} and this sample. */
  public CpuUse since(CpuUse earlier) {
    return new CpuUse(
        benchJvm.minus(earlier.benchJvm),
        servers.minus(earlier.servers),
        threads.since(earlier.threads),
        benchNative.since(earlier.benchNative),
        serversNative.since(earlier.serversNative));
  }

  /** Microseconds of {@code part} per job. */
  public static double microsPerJob(Duration part, long jobs) {
    return jobs > 0 ? part.toNanos() / 1e3 / jobs : Double.NaN;
  }
}

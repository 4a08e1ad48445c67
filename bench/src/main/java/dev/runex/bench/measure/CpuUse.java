package dev.runex.bench.measure;

import java.time.Duration;

/**
 * CPU time (user + system, all cores) used by the bench JVM — the system under test runs in it —
 * and by the servers the bench started (Kafka broker, schema registry), since each process started
 * or between two samples; and the bench JVM's threads' CPU time, by the part of runex each works
 * for.
 */
public record CpuUse(Duration benchJvm, Duration servers, ThreadCpu threads) {

  public Duration total() {
    return benchJvm.plus(servers);
  }

  /** What was used between {@code earlier} and this sample. */
  public CpuUse since(CpuUse earlier) {
    return new CpuUse(
        benchJvm.minus(earlier.benchJvm),
        servers.minus(earlier.servers),
        threads.since(earlier.threads));
  }

  /** Microseconds of {@code part} per job. */
  public static double microsPerJob(Duration part, long jobs) {
    return jobs > 0 ? part.toNanos() / 1e3 / jobs : Double.NaN;
  }
}

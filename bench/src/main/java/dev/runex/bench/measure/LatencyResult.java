package dev.runex.bench.measure;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * One latency measurement at a fixed offered load: per job, from its scheduled intake send to its
 * result being read (microseconds, HdrHistogram, 3 significant digits).
 *
 * @param expected jobs sent in the measured window
 * @param received of those, jobs whose result was read before the timeout
 * @param failed results that did not report success
 * @param duplicates results read for a job that already had one (exactly-once says 0)
 * @param failedSends sends of the measured window the broker refused (jobs that can have no result)
 * @param maxSendLate how far the paced producer fell behind its schedule at worst
 */
public record LatencyResult(
    int expected,
    int received,
    int failed,
    int duplicates,
    int failedSends,
    Duration maxSendLate,
    long p50Micros,
    long p90Micros,
    long p99Micros,
    long p999Micros,
    long maxMicros) {

  static LatencyResult of(
      int expected,
      int received,
      int failed,
      int duplicates,
      int failedSends,
      Duration maxSendLate,
      Histogram micros) {
    return new LatencyResult(
        expected,
        received,
        failed,
        duplicates,
        failedSends,
        maxSendLate,
        micros.getValueAtPercentile(50),
        micros.getValueAtPercentile(90),
        micros.getValueAtPercentile(99),
        micros.getValueAtPercentile(99.9),
        micros.getMaxValue());
  }

  /** Every measured job that reached intake has its result. */
  public boolean complete() {
    return received == expected - failedSends;
  }
}

package dev.runex.bench;

import java.time.Duration;
import java.util.Map;

/**
 * What one benchmark run measures, identical for the bare chain and for runex.
 *
 * @param records jobs preloaded into intake for the drain measurement
 * @param warmupRecords jobs of the unmeasured warm-up drain each system gets first
 * @param valueBytes size of each intake value (the same JSON job request for both systems)
 * @param partitions partitions of every topic (runex's default is 6)
 * @param commitInterval commit interval of every hop of the bare chain and the reference chains
 *     (runex runs with its own defaults)
 * @param rate offered load of the latency measurement, jobs per second
 * @param warmup unmeasured time at {@code rate} before the latency measurement
 * @param measure measured time at {@code rate}
 * @param phaseTimeout longest wait for one phase's results before it is reported as incomplete
 * @param quotaMaxInFlight runex only: 0 for the default config (no quotas); otherwise every tenant
 *     gets {@code runex.quotas.default.maxInFlight} of this, so every job passes the quota gate
 * @param runexSettings runex only: settings (key → value, raw Kafka client keys included) changed
 *     from runex's defaults, to measure another configuration; empty for the default one
 */
public record BenchParams(
    int records,
    int warmupRecords,
    int valueBytes,
    int partitions,
    Duration commitInterval,
    int rate,
    Duration warmup,
    Duration measure,
    Duration phaseTimeout,
    int quotaMaxInFlight,
    Map<String, String> runexSettings) {

  public BenchParams {
    positive("--records", records);
    positive("--warmup-records", warmupRecords);
    positive("--value-bytes", valueBytes);
    positive("--partitions", partitions);
    positive("--commit-interval-ms", commitInterval.toMillis());
    positive("--rate", rate);
    positive("--warmup-seconds", warmup.toSeconds());
    positive("--duration-seconds", measure.toSeconds());
    positive("--phase-timeout-seconds", phaseTimeout.toSeconds());
    if (quotaMaxInFlight < 0) {
      throw new IllegalArgumentException(
          "--quota-max-in-flight must be >= 0, was " + quotaMaxInFlight);
    }
    runexSettings = Map.copyOf(runexSettings);
  }

  /** The usual run: runex with its default configuration. */
  public BenchParams(
      int records,
      int warmupRecords,
      int valueBytes,
      int partitions,
      Duration commitInterval,
      int rate,
      Duration warmup,
      Duration measure,
      Duration phaseTimeout) {
    this(
        records,
        warmupRecords,
        valueBytes,
        partitions,
        commitInterval,
        rate,
        warmup,
        measure,
        phaseTimeout,
        0,
        Map.of());
  }

  /** Jobs sent during the latency warm-up. */
  public int warmupJobs() {
    return (int) (rate * warmup.toMillis() / 1000);
  }

  /** Jobs whose latency is recorded. */
  public int measuredJobs() {
    return (int) (rate * measure.toMillis() / 1000);
  }

  private static void positive(String option, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be >= 1, was " + value);
    }
  }
}

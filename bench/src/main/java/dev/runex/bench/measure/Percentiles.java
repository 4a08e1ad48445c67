package dev.runex.bench.measure;

import java.util.Arrays;
import java.util.Locale;

/**
 * The 50th and 99th percentiles and the extremes of a set of values in milliseconds, which may be
 * negative (a job started before it was due). Percentiles are nearest-rank: the smallest value that
 * at least that share of the values does not exceed, so every reported number is one that was
 * measured.
 */
public record Percentiles(int count, long min, long p50, long p99, long max) {

  /** Of {@code values} (not changed); empty input has count 0 and zeros elsewhere. */
  public static Percentiles of(long[] values) {
    if (values.length == 0) {
      return new Percentiles(0, 0, 0, 0, 0);
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        sorted[0],
        nearestRank(sorted, 50),
        nearestRank(sorted, 99),
        sorted[sorted.length - 1]);
  }

  /** The value at percentile {@code p} (1..100) of ascending {@code sorted}, nearest-rank. */
  static long nearestRank(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length); // 1-based
    return sorted[Math.max(rank, 1) - 1];
  }

  /** "p50 / p99 / max" in ms, e.g. {@code 12 / 180 / 240}. */
  public String render() {
    return count == 0 ? "n/a" : String.format(Locale.ROOT, "%,d / %,d / %,d", p50, p99, max);
  }
}

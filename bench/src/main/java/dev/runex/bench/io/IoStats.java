package dev.runex.bench.io;

import java.util.Arrays;

/** The pure arithmetic of the io scenario's report. */
final class IoStats {
  private IoStats() {}

  /**
   * Results per second between the 10th and the 90th percentile of the arrival times ({@link
   * System#nanoTime()}, any order): the steady drain rate, without the start-up and the tail. NaN
   * for fewer than 10 arrivals or when they all came at once.
   */
  static double steadyRate(long[] arrivalNanos) {
    int n = arrivalNanos.length;
    if (n < 10) {
      return Double.NaN;
    }
    long[] sorted = arrivalNanos.clone();
    Arrays.sort(sorted);
    int from = n / 10;
    int to = n * 9 / 10 - 1;
    long span = sorted[to] - sorted[from];
    return span <= 0 ? Double.NaN : (to - from) / (span / 1e9);
  }

  /** Milliseconds of CPU per job, NaN without jobs. */
  static double cpuMsPerJob(long cpuNanos, int jobs) {
    return jobs > 0 ? cpuNanos / 1e6 / jobs : Double.NaN;
  }

  /** {@code a / b}, NaN when either is unknown or b is 0. */
  static double ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? Double.NaN : a / b;
  }
}

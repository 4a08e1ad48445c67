package dev.runex.bench.torture;

import java.util.List;
import java.util.Locale;

/**
 * The soak run's verdict on one series: after the warm-up, the mean of the first third of the
 * samples against the mean of the last third. The series grows when the last third is above the
 * first by more than its kind's {@link Kind threshold}: a relative part (what a bounded series
 * wanders on a machine shared with other work) and an absolute floor (so near-zero series do not
 * turn a few units of noise into a percentage). Counters of records are judged per job: records
 * added over the third divided by jobs submitted over it.
 */
final class SoakTrend {
  private SoakTrend() {}

  /** One sample of a series: seconds since the load started, and the value. */
  record Point(double seconds, double value) {}

  /**
   * What a series measures, and how much its last third may exceed its first before it counts as
   * growing. The floors are set above the sawtooth each has while bounded: the JVM heap between
   * collections and RocksDB between compactions, a thread pool's idle threads coming and going,
   * sockets opened for a rebalance.
   */
  enum Kind {
    RSS_MB("MB", 0.05, 16),
    HEAP_MB("MB", 0.10, 8),
    THREADS("", 0.0, 4),
    FDS("", 0.05, 16),
    STATE_MB("MB", 0.25, 16),
    KEYS("keys", 0.10, 200),
    BYTES("B", 0.20, 1024),
    BACKLOG("records", 0.50, 500),
    PER_JOB("records/job", 0.10, 0.05);

    final String unit;
    final double relative;
    final double floor;

    Kind(String unit, double relative, double floor) {
      this.unit = unit;
      this.relative = relative;
      this.floor = floor;
    }

    /** How far above {@code first} the last third may be and still be flat. */
    double allowance(double first) {
      return Math.max(relative * Math.abs(first), floor);
    }

    String describe() {
      return String.format(
          Locale.ROOT, "+%.0f%% or +%s %s", relative * 100, SoakTrend.number(floor), unit);
    }
  }

  /** The verdict on one series. */
  record Verdict(
      String series, Kind kind, double first, double last, double slopePerHour, boolean growing) {
    String line() {
      return String.format(
          Locale.ROOT,
          "| %s | %s | %s | %s/h | %s | %s |",
          series,
          number(first),
          number(last),
          (slopePerHour >= 0 ? "+" : "") + number(slopePerHour),
          kind.describe(),
          growing ? "GROWING" : "flat");
    }
  }

  /** A level (memory, threads, entries): the means of the first and last thirds. */
  static Verdict level(String series, Kind kind, List<Point> points, double warmupSeconds) {
    List<Point> kept = points.stream().filter(p -> p.seconds() >= warmupSeconds).toList();
    if (kept.size() < 3) {
      throw new IllegalArgumentException(
          series + ": " + kept.size() + " samples after the warm-up, at least 3 are needed");
    }
    int third = kept.size() / 3;
    List<Point> head = kept.subList(0, third);
    List<Point> tail = kept.subList(kept.size() - third, kept.size());
    double first = mean(head, Point::value);
    double last = mean(tail, Point::value);
    double hours = (mean(tail, Point::seconds) - mean(head, Point::seconds)) / 3600;
    return verdict(series, kind, first, last, hours);
  }

  /**
   * A counter of records against the counter of jobs submitted, both cumulative and sampled at the
   * same moments: records per job over the first third against the last third.
   */
  static Verdict perJob(String series, List<Point> records, List<Point> jobs, double warmup) {
    if (records.size() != jobs.size()) {
      throw new IllegalArgumentException(series + ": records and jobs sampled apart");
    }
    int start = 0;
    while (start < jobs.size() && jobs.get(start).seconds() < warmup) {
      start++;
    }
    int n = jobs.size() - start;
    if (n < 4) {
      throw new IllegalArgumentException(
          series + ": " + n + " samples after the warm-up, at least 4 are needed");
    }
    int third = n / 3;
    int a = start;
    int b = start + third;
    int c = jobs.size() - 1 - third;
    int d = jobs.size() - 1;
    double first = ratio(records, jobs, a, b);
    double last = ratio(records, jobs, c, d);
    double hours =
        ((jobs.get(c).seconds() + jobs.get(d).seconds())
                - (jobs.get(a).seconds() + jobs.get(b).seconds()))
            / 2
            / 3600;
    return verdict(series, Kind.PER_JOB, first, last, hours);
  }

  private static double ratio(List<Point> records, List<Point> jobs, int from, int to) {
    double dj = jobs.get(to).value() - jobs.get(from).value();
    return dj <= 0 ? 0 : (records.get(to).value() - records.get(from).value()) / dj;
  }

  private static Verdict verdict(String series, Kind kind, double first, double last, double h) {
    double slope = h > 0 ? (last - first) / h : 0;
    return new Verdict(series, kind, first, last, slope, last - first > kind.allowance(first));
  }

  private static double mean(List<Point> points, java.util.function.ToDoubleFunction<Point> f) {
    return points.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  static String number(double v) {
    double a = Math.abs(v);
    return a >= 100 || a == Math.rint(a)
        ? String.format(Locale.ROOT, "%,.0f", v)
        : a >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
  }
}

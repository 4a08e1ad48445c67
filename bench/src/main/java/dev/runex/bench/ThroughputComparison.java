package dev.runex.bench;

import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.Outcome;
import java.time.Duration;
import java.util.Locale;

/**
 * The steady drain rates of both systems, their ratio and the throughput target's verdict — honest
 * about bounds. Results become visible one transaction at a time, so when a system's 10-90% results
 * all appeared within less than two commit intervals its rate is only known to be at least {@code
 * results / (2 x commit interval)}; the ratio is then a bound, and the verdict is given only when
 * the bound alone decides it.
 *
 * @param bareCell the bare chain's rate, {@code ">= "} prefixed when a lower bound
 * @param runexCell runex's rate, likewise
 * @param ratioCell runex / bare, {@code "<= "} or {@code ">= "} prefixed when a bound, empty when
 *     unknown
 * @param verdict PASS, MISS or n/a
 * @param bounded whether a rate is only a lower bound (raise --records to measure it)
 */
record ThroughputComparison(
    String bareCell, String runexCell, String ratioCell, String verdict, boolean bounded) {

  /** A steady rate, possibly only a lower bound. */
  private record Rate(double perSecond, boolean atLeast) {
    String text() {
      return (atLeast ? ">= " : "") + String.format(Locale.ROOT, "%,.0f", perSecond);
    }
  }

  static ThroughputComparison of(
      Outcome<DrainResult> bare,
      Outcome<DrainResult> runex,
      Duration commitInterval,
      double target) {
    Rate b = rate(bare, commitInterval);
    Rate r = rate(runex, commitInterval);
    String bareCell = b == null ? "failed" : b.text();
    String runexCell = r == null ? "failed" : r.text();
    if (b == null || r == null || !(b.perSecond() > 0)) {
      return new ThroughputComparison(bareCell, runexCell, "", "n/a", false);
    }
    double x = r.perSecond() / b.perSecond();
    String times = String.format(Locale.ROOT, "%.2fx", x);
    if (!b.atLeast() && !r.atLeast()) {
      return new ThroughputComparison(
          bareCell, runexCell, times, x >= target ? "PASS" : "MISS", false);
    }
    if (b.atLeast()
        && !r.atLeast()) { // the baseline may be faster still: the ratio can only be lower
      return new ThroughputComparison(
          bareCell, runexCell, "<= " + times, x < target ? "MISS" : "n/a", true);
    }
    if (!b.atLeast()) { // runex may be faster still: the ratio can only be higher
      return new ThroughputComparison(
          bareCell, runexCell, ">= " + times, x >= target ? "PASS" : "n/a", true);
    }
    return new ThroughputComparison(bareCell, runexCell, "", "n/a", true);
  }

  private static Rate rate(Outcome<DrainResult> outcome, Duration commitInterval) {
    if (!(outcome instanceof Outcome.Measured<DrainResult> m)) {
      return null;
    }
    DrainResult d = m.value();
    if (d.steadyMeasurable(commitInterval)) {
      return new Rate(d.steadyJobsPerSecond(), false);
    }
    return new Rate(d.steadyJobs() * 1e9 / commitInterval.multipliedBy(2).toNanos(), true);
  }
}

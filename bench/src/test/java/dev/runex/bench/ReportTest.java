package dev.runex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.LatencyResult;
import dev.runex.bench.measure.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final BenchParams PARAMS = new BenchParams(50_000, 5_000, 100, 6, Duration.ofMillis(100), 2_000,
      Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(300));

  @Test
  void missesThroughputTargetWhenRunexDrainsAtLessThanHalfTheBaselineRate() {
    // given baseline 40,000 jobs/s and runex 16,000 jobs/s (0.40x)
    Report.Results results = new Report.Results(drain(40_000), drain(16_000), latency(300), latency(330));

    // when
    String report = Report.render(PARAMS, results);

    // then
    assertThat(line(report, "drain throughput, steady")).contains("0.40x").contains("MISS");
  }

  @Test
  void passesP99TargetWithinOneAndAHalfTimesTheBaseline() {
    Report.Results results = new Report.Results(drain(40_000), drain(30_000), latency(300), latency(420));

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("0.75x").contains("PASS");
    assertThat(line(report, "latency p99")).contains("300.0").contains("420.0").contains("1.40x").contains("PASS");
  }

  @Test
  void showsAFailedPhaseWithoutAVerdictAndNamesTheReason() {
    Report.Results results = new Report.Results(drain(40_000), new Outcome.Failed<>("broker gone"),
        latency(300), latency(330));

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("failed").contains("n/a");
    assertThat(report).contains("runex drain failed: broker gone");
  }

  @Test
  void flagsAVerdictFromAnIncompleteRun() {
    DrainResult incomplete = new DrainResult(50_000, 49_000, 0, 0, 0, Duration.ofSeconds(1),
        Duration.ofSeconds(6), Duration.ofSeconds(1), 20_000);
    Report.Results results = new Report.Results(drain(40_000), new Outcome.Measured<>(incomplete),
        latency(300), latency(330));

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("PASS (incomplete run)");
    assertThat(report).contains("runex drain is incomplete");
  }

  @Test
  void boundsTheBaselineRateWhenItsResultsAppearedWithinTwoCommitIntervals() {
    // given a baseline whose 10-90% results (40,000) all became visible within 150 ms; commits every 100 ms
    Report.Results results = new Report.Results(bursty(), drain(16_000), latency(300), latency(330));

    // when
    String report = Report.render(PARAMS, results);

    // then its rate is at least 40,000 / 200 ms, so runex's ratio is at most 0.08x: a certain miss
    assertThat(line(report, "drain throughput, steady")).contains(">= 200,000").contains("<= 0.08x").contains("MISS");
    assertThat(report).contains("raise --records");
  }

  @Test
  void givesNoThroughputVerdictWhenTheBoundCannotDecideIt() {
    Report.Results results = new Report.Results(bursty(), drain(150_000), latency(300), latency(330));

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("<= 0.75x").contains("n/a")
        .doesNotContain("PASS").doesNotContain("MISS");
  }

  private static Outcome<DrainResult> bursty() {
    return new Outcome.Measured<>(new DrainResult(50_000, 50_000, 0, 0, 0, Duration.ofSeconds(1),
        Duration.ofMillis(1_200), Duration.ofMillis(150), 40_000));
  }

  /** A complete 50,000-job drain whose 10-90% span ran at {@code perSecond}. */
  private static Outcome<DrainResult> drain(int perSecond) {
    Duration span = Duration.ofNanos(40_000L * 1_000_000_000L / perSecond);
    return new Outcome.Measured<>(new DrainResult(50_000, 50_000, 0, 0, 0, Duration.ofSeconds(1),
        span.plusSeconds(2), span, 40_000));
  }

  /** A complete latency run with this p99 (ms). */
  private static Outcome<LatencyResult> latency(long p99Millis) {
    return new Outcome.Measured<>(new LatencyResult(40_000, 40_000, 0, 0, 0, Duration.ZERO,
        p99Millis * 500, p99Millis * 800, p99Millis * 1_000, p99Millis * 1_200));
  }

  private static String line(String report, String label) {
    return report.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow();
  }
}

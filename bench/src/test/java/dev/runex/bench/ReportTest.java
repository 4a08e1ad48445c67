package dev.runex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.bench.measure.CpuUse;
import dev.runex.bench.measure.DrainResult;
import dev.runex.bench.measure.LatencyResult;
import dev.runex.bench.measure.NativeThreadCpu;
import dev.runex.bench.measure.Outcome;
import dev.runex.bench.measure.ThreadCpu;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final BenchParams PARAMS = params(Map.of());
  private static final List<Report.ReferenceDrain> SKIPPED = List.of();
  private static final String REFERENCE = "reference: ";

  @Test
  void listsTheSettingsRunexRanWithWhenTheyDifferFromItsDefaults() {
    // given a run that changed two of runex's settings
    BenchParams changed =
        params(
            Map.of(
                "runex.kafka.producer.retry.backoff.ms", "10",
                "runex.topology.commitInterval", "50ms"));

    // when
    String report =
        Report.render(
            changed,
            new Report.Results(drain(40_000), drain(10_000), latency(300), latency(330), SKIPPED));
    String defaults =
        Report.render(
            PARAMS,
            new Report.Results(drain(40_000), drain(10_000), latency(300), latency(330), SKIPPED));

    // then the changed run names both, sorted; the default run names none
    assertThat(report)
        .contains(
            "runex with settings changed from its defaults: {runex.kafka.producer.retry.backoff.ms=10,"
                + " runex.topology.commitInterval=50ms}");
    assertThat(defaults).doesNotContain("settings changed");
  }

  @Test
  void missesThroughputTargetWhenRunexDrainsAtLessThanThreeTenthsOfTheBaselineRate() {
    // given baseline 40,000 jobs/s and runex 10,000 jobs/s (0.25x)
    Report.Results results =
        new Report.Results(drain(40_000), drain(10_000), latency(300), latency(330), SKIPPED);

    // when
    String report = Report.render(PARAMS, results);

    // then
    assertThat(line(report, "drain throughput, steady"))
        .contains("0.25x")
        .contains(">= 0.30x")
        .contains("MISS");
  }

  @Test
  void passesThroughputAndLatencyTargetsWithinTheirRatios() {
    // runex 0.40x the baseline's drain rate; p50 and p99 a third of the baseline's
    Report.Results results =
        new Report.Results(drain(40_000), drain(16_000), latency(300), latency(100), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("0.40x").contains("PASS");
    assertThat(line(report, "latency p50"))
        .contains("150.0")
        .contains("50.0")
        .contains("0.33x")
        .contains("<= 0.35x")
        .contains("PASS");
    assertThat(line(report, "latency p99"))
        .contains("300.0")
        .contains("100.0")
        .contains("0.33x")
        .contains("<= 0.50x")
        .contains("PASS");
  }

  @Test
  void missesLatencyTargetsAboveTheirRatiosAndGivesP999WithoutATarget() {
    Report.Results results =
        new Report.Results(drain(40_000), drain(16_000), latency(300), latency(420), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "latency p50")).contains("1.40x").contains("MISS");
    assertThat(line(report, "latency p99"))
        .contains("300.0")
        .contains("420.0")
        .contains("1.40x")
        .contains("MISS");
    assertThat(line(report, "latency p99.9"))
        .contains("330.0")
        .contains("462.0")
        .contains("1.40x")
        .doesNotContain("PASS")
        .doesNotContain("MISS");
  }

  @Test
  void showsAFailedPhaseWithoutAVerdictAndNamesTheReason() {
    Report.Results results =
        new Report.Results(
            drain(40_000),
            new Outcome.Failed<>("broker gone"),
            latency(300),
            latency(330),
            SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("failed").contains("n/a");
    assertThat(report).contains("runex drain failed: broker gone");
  }

  @Test
  void flagsAVerdictFromAnIncompleteRun() {
    DrainResult incomplete =
        new DrainResult(
            50_000,
            49_000,
            0,
            0,
            0,
            Duration.ofSeconds(1),
            Duration.ofSeconds(6),
            Duration.ofSeconds(1),
            20_000);
    Report.Results results =
        new Report.Results(
            drain(40_000), new Outcome.Measured<>(incomplete), latency(300), latency(330), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady")).contains("PASS (incomplete run)");
    assertThat(report).contains("runex drain is incomplete");
  }

  @Test
  void boundsTheBaselineRateWhenItsResultsAppearedWithinTwoCommitIntervals() {
    // given a baseline whose 10-90% results (40,000) all became visible within 150 ms; commits
    // every 100 ms
    Report.Results results =
        new Report.Results(bursty(), drain(16_000), latency(300), latency(330), SKIPPED);

    // when
    String report = Report.render(PARAMS, results);

    // then its rate is at least 40,000 / 200 ms, so runex's ratio is at most 0.08x: a certain miss
    assertThat(line(report, "drain throughput, steady"))
        .contains(">= 200,000")
        .contains("<= 0.08x")
        .contains("MISS");
    assertThat(report).contains("raise --records");
  }

  @Test
  void givesNoThroughputVerdictWhenTheBoundCannotDecideIt() {
    Report.Results results =
        new Report.Results(bursty(), drain(150_000), latency(300), latency(330), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain throughput, steady"))
        .contains("<= 0.75x")
        .contains("n/a")
        .doesNotContain("PASS")
        .doesNotContain("MISS");
  }

  @Test
  void comparesRunexWithTheBareChainWritingRunexsRecordsWithoutATarget() {
    // given bare 40,000, runex 16,000 and the record-matched bare chain 20,000 jobs/s steady
    Report.Results results =
        new Report.Results(
            drain(40_000), drain(16_000), latency(300), latency(330), runexRecords(drain(20_000)));

    // when
    String report = Report.render(PARAMS, results);

    // then the table is the usual one, and the reference block gives runex / reference
    assertThat(line(report, "drain throughput, steady")).contains("0.40x").contains("PASS");
    List<String> reference = referenceBlock(report);
    assertThat(reference.get(0)).endsWith("(3+2+3 and a status reader writing 3 of 5 events)");
    assertThat(reference.get(1)).contains("reference").contains("runex/ref");
    // 20,000 vs 16,000 jobs/s steady: 0.80x, no target and no verdict
    assertThat(line(reference, "drain throughput, steady"))
        .contains("20,000")
        .contains("16,000")
        .contains("0.80x")
        .doesNotContain(">=")
        .doesNotContain("PASS")
        .doesNotContain("MISS");
    // from start: 50,000 jobs in 2 s + 2 s = 12,500/s vs in 2.5 s + 2 s = 11,111/s: 0.89x
    assertThat(line(reference, "drain throughput, from start"))
        .contains("12,500")
        .contains("11,111")
        .contains("0.89x");
    assertThat(report.indexOf(REFERENCE))
        .isGreaterThan(report.indexOf("latency: producer max behind"))
        .isLessThan(report.indexOf("steady throughput ="));
  }

  @Test
  void saysWhenTheReferenceHadNoStatusReader() {
    Report.Results results =
        new Report.Results(
            drain(40_000),
            drain(16_000),
            latency(300),
            latency(330),
            List.of(new Report.ReferenceDrain(Report.Reference.LIFECYCLE_RECORDS, drain(32_000))));

    String report = Report.render(PARAMS, results);

    List<String> reference = referenceBlock(report);
    assertThat(reference.get(0))
        .isEqualTo(
            "reference: bare chain writing the lifecycle records runex wrote per job before its one-hop dispatch (3+2+3, no status reader)");
    assertThat(line(reference, "drain throughput, steady")).contains("32,000").contains("0.50x");
  }

  @Test
  void saysWhenTheReferenceRanItsFirstHopsAsAKafkaStreamsApplication() {
    Report.Results results =
        new Report.Results(
            drain(40_000),
            drain(16_000),
            latency(300),
            latency(330),
            List.of(new Report.ReferenceDrain(Report.Reference.STREAMS_HOPS, drain(25_000))));

    String report = Report.render(PARAMS, results);

    assertThat(referenceBlock(report).get(0))
        .isEqualTo(
            "reference: bare chain writing the lifecycle records runex wrote per job before its one-hop dispatch"
                + " (3+2+3, no status reader), its first two hops one Kafka Streams application");
    assertThat(line(referenceBlock(report), "drain throughput, steady"))
        .contains("25,000")
        .contains("0.64x");
  }

  @Test
  void printsABlockPerReferenceInTheOrderTheyRan() {
    Report.Results results =
        new Report.Results(
            drain(40_000),
            drain(16_000),
            latency(300),
            latency(330),
            List.of(
                new Report.ReferenceDrain(Report.Reference.LIFECYCLE_RECORDS, drain(32_000)),
                new Report.ReferenceDrain(Report.Reference.STREAMS_HOPS, drain(20_000))));

    String report = Report.render(PARAMS, results);

    List<String> titles = report.lines().filter(l -> l.startsWith(REFERENCE)).toList();
    assertThat(titles).hasSize(2);
    assertThat(titles.get(0)).contains("(3+2+3, no status reader)").doesNotContain("Kafka Streams");
    assertThat(titles.get(1)).endsWith("one Kafka Streams application");
    List<String> steady =
        report.lines().filter(l -> l.startsWith("drain throughput, steady")).toList();
    assertThat(steady).hasSize(3);
    assertThat(steady.get(1)).contains("32,000").contains("0.50x");
    assertThat(steady.get(2)).contains("20,000").contains("0.80x");
  }

  @Test
  void saysTheReferenceWasSkipped() {
    Report.Results results =
        new Report.Results(drain(40_000), drain(16_000), latency(300), latency(330), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(referenceBlock(report).get(0)).isEqualTo("reference: skipped (--reference none)");
    assertThat(report).doesNotContain("runex/ref");
    assertThat(report.lines().filter(l -> l.startsWith("drain throughput, steady")).count())
        .isEqualTo(1);
  }

  @Test
  void showsAFailedReferenceAndNamesTheReason() {
    Report.Results results =
        new Report.Results(
            drain(40_000),
            drain(16_000),
            latency(300),
            latency(330),
            runexRecords(new Outcome.Failed<>("hop stopped")));

    String report = Report.render(PARAMS, results);

    List<String> reference = referenceBlock(report);
    assertThat(line(reference, "drain throughput, steady"))
        .contains("failed")
        .contains("16,000")
        .doesNotContainPattern("\\d\\.\\d\\dx");
    assertThat(line(reference, "drain throughput, from start"))
        .contains("failed")
        .doesNotContainPattern("\\d\\.\\d\\dx");
    assertThat(line(report, "drain throughput, steady")).contains("0.40x").contains("PASS");
    assertThat(report).contains("reference runex-records drain failed: hop stopped");
  }

  @Test
  void givesTheCpuEachSystemUsedPerJobAndTheCoresItKeptBusy() {
    // given, in each 40,000-job steady span: bare 0.4 s JVM + 0.2 s servers in 1 s; runex 3.2 s JVM
    // + 0.8 s
    // servers in 2.5 s
    Report.Results results =
        new Report.Results(
            drainUsing(40_000, 400, 200),
            drainUsing(16_000, 3_200, 800, RUNEX_THREADS),
            latency(300),
            latency(330),
            runexRecords(drainUsing(20_000, 1_200, 400)));

    String report = Report.render(PARAMS, results);

    // then per job: bare 15 us (10 + 5), runex 100 us (80 + 20): 6.67x; 4.00x and 8.00x of the
    // parts
    assertThat(line(report, "drain CPU per job, steady (us)"))
        .contains("15.0")
        .contains("100.0")
        .contains("6.67x")
        .contains("<= 3.50x")
        .contains("MISS");
    assertThat(line(report, "  of which bench JVM (us)"))
        .contains("10.0")
        .contains("80.0")
        .contains("8.00x");
    // runex's threads by part (40,000 steady jobs); the bare chain has none of them
    assertThat(line(report, "    topology threads (us)")).contains("20.0").contains(" - ");
    assertThat(line(report, "    job-status app threads (us)")).contains("40.0").contains(" - ");
    assertThat(line(report, "    worker threads (us)")).contains("15.0").contains(" - ");
    assertThat(line(report, "    other threads (us)")).contains("2.5").contains(" - ");
    // the bench JVM's 3.2 s less its threads' 3.1 s; the bare chain's 400 ms, no thread measured
    assertThat(line(report, "    JVM GC/JIT, RocksDB threads (us)"))
        .contains("2.5")
        .contains("10.0");
    assertThat(line(report, "  of which broker + registry (us)"))
        .contains("5.0")
        .contains("20.0")
        .contains("4.00x");
    assertThat(line(report, "drain cores busy, steady")).contains("0.60").contains("1.60");
    // the reference (40 us per job) gets runex's ratio too, without a target
    assertThat(line(referenceBlock(report), "drain CPU per job, steady (us)"))
        .contains("40.0")
        .contains("100.0")
        .contains("2.50x")
        .doesNotContain("<=")
        .doesNotContain("PASS");
  }

  @Test
  void givesTheTimeUntilAllWasDoneAndTheRateToThen() {
    // given 50,000 jobs each: the bare chain done at its last result, 2 s; runex's status caught up
    // at 10 s
    DrainResult bare =
        ((Outcome.Measured<DrainResult>) drain(40_000))
            .value()
            .withAllDone(Optional.of(Duration.ofSeconds(2)));
    DrainResult runex =
        ((Outcome.Measured<DrainResult>) drain(16_000))
            .value()
            .withAllDone(Optional.of(Duration.ofSeconds(10)));
    Report.Results results =
        new Report.Results(
            new Outcome.Measured<>(bare),
            new Outcome.Measured<>(runex),
            latency(300),
            latency(330),
            SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain: start to all done (s)")).contains("2.00").contains("10.00");
    assertThat(line(report, "drain throughput, start to all done"))
        .contains("25,000")
        .contains("5,000")
        .contains("0.20x");
    // runex's last result at 4.5 s (2 s + 40,000 jobs at 16,000/s), all done at 10 s: 2.22x
    assertThat(line(report, "drain: start to last result (s)")).contains("3.00").contains("4.50");
    assertThat(line(report, "drain: all done / last result"))
        .contains("2.22x")
        .contains("<= 1.20x")
        .contains("MISS");
  }

  @Test
  void passesTheAllDoneTargetWhenTheStatusFoldEndsWithinAFifthOfTheTimeToTheLastResult() {
    DrainResult runex =
        ((Outcome.Measured<DrainResult>) drain(16_000))
            .value()
            .withAllDone(Optional.of(Duration.ofSeconds(5)));
    Report.Results results =
        new Report.Results(
            drain(40_000), new Outcome.Measured<>(runex), latency(300), latency(330), SKIPPED);

    String report = Report.render(PARAMS, results);

    // 5 s against 4.5 s: 1.11x; the bare chain's side was not measured here
    assertThat(line(report, "drain: all done / last result"))
        .contains(" - ")
        .contains("1.11x")
        .contains("PASS");
  }

  @Test
  void showsADashWhenTheSideReadersDidNotCatchUp() {
    Report.Results results =
        new Report.Results(drain(40_000), drain(16_000), latency(300), latency(330), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain: start to all done (s)")).contains(" - ");
    assertThat(line(report, "drain throughput, start to all done"))
        .doesNotContainPattern("\\d\\.\\d\\dx");
    assertThat(line(report, "drain: all done / last result")).contains("n/a");
  }

  @Test
  void showsADashWhenCpuWasNotMeasured() {
    Report.Results results =
        new Report.Results(
            drain(40_000), drainUsing(16_000, 3_200, 800), latency(300), latency(330), SKIPPED);

    String report = Report.render(PARAMS, results);

    assertThat(line(report, "drain CPU per job, steady (us)"))
        .contains(" - ")
        .contains("100.0")
        .contains("<= 3.50x")
        .contains("n/a")
        .doesNotContainPattern("\\d\\.\\d\\dx\\s+<="); // no ratio before the target
  }

  private static List<Report.ReferenceDrain> runexRecords(Outcome<DrainResult> drain) {
    return List.of(new Report.ReferenceDrain(Report.Reference.RUNEX_RECORDS, drain));
  }

  /**
   * Like {@link #drain}, having used this much CPU (ms) in the bench JVM and the servers in its
   * steady span.
   */
  /**
   * Runex's threads in {@link #drainUsing}: 800 ms topology, 1.6 s status, 600 ms worker, 100 ms
   * other.
   */
  private static final ThreadCpu RUNEX_THREADS =
      new ThreadCpu(
          Map.of(
              1L, new ThreadCpu.Use(ThreadCpu.TOPOLOGY, 800_000_000L),
              2L, new ThreadCpu.Use(ThreadCpu.STATUS, 1_600_000_000L),
              3L, new ThreadCpu.Use(ThreadCpu.WORKER, 400_000_000L),
              4L, new ThreadCpu.Use(ThreadCpu.WORKER, 200_000_000L),
              5L, new ThreadCpu.Use(ThreadCpu.OTHER, 100_000_000L)));

  @Test
  void splitsTheThreadsThatRunNoJavaCodeByKindWhereTheyWereRead() {
    // given runex's steady span (40,000 jobs) with 0.4 s compiling, 0.6 s collecting, 0.2 s in
    // RocksDB in the bench JVM and 0.12 s compiling in the servers; the bare chain's not read
    NativeThreadCpu jvm =
        new NativeThreadCpu(
            Map.of(
                NativeThreadCpu.COMPILER, Duration.ofMillis(400),
                NativeThreadCpu.COLLECTOR, Duration.ofMillis(600),
                NativeThreadCpu.ROCKSDB, Duration.ofMillis(200)));
    NativeThreadCpu servers =
        new NativeThreadCpu(Map.of(NativeThreadCpu.COMPILER, Duration.ofMillis(120)));
    Outcome<DrainResult> runex =
        drainUsing(
            16_000,
            new CpuUse(
                Duration.ofMillis(3_200),
                Duration.ofMillis(800),
                new ThreadCpu(Map.of()),
                jvm,
                servers));

    String report =
        Report.render(
            PARAMS,
            new Report.Results(
                drainUsing(40_000, 400, 200), runex, latency(300), latency(330), SKIPPED));

    // then per job: 10, 15 and 5 us in the JVM, 3 us in the servers' compilers; "-" for the bare
    // chain
    assertThat(line(report, "      JIT compiler (us)")).contains("10.0").contains(" - ");
    assertThat(line(report, "      garbage collector (us)")).contains("15.0").contains(" - ");
    assertThat(line(report, "      RocksDB (us)")).contains("5.0").contains(" - ");
    assertThat(line(report, "    their JIT compiler (us)")).contains("3.0").contains(" - ");
  }

  private static Outcome<DrainResult> drainUsing(int perSecond, long jvmMillis, long serverMillis) {
    return drainUsing(perSecond, jvmMillis, serverMillis, new ThreadCpu(Map.of()));
  }

  private static Outcome<DrainResult> drainUsing(
      int perSecond, long jvmMillis, long serverMillis, ThreadCpu threads) {
    return drainUsing(
        perSecond,
        new CpuUse(Duration.ofMillis(jvmMillis), Duration.ofMillis(serverMillis), threads));
  }

  private static Outcome<DrainResult> drainUsing(int perSecond, CpuUse cpu) {
    DrainResult d = ((Outcome.Measured<DrainResult>) drain(perSecond)).value();
    return new Outcome.Measured<>(
        new DrainResult(
            d.expected(),
            d.received(),
            d.failed(),
            d.duplicates(),
            d.failedSends(),
            d.startToFirst(),
            d.startToLast(),
            d.steadySpan(),
            d.steadyJobs(),
            Optional.of(cpu)));
  }

  private static Outcome<DrainResult> bursty() {
    return new Outcome.Measured<>(
        new DrainResult(
            50_000,
            50_000,
            0,
            0,
            0,
            Duration.ofSeconds(1),
            Duration.ofMillis(1_200),
            Duration.ofMillis(150),
            40_000));
  }

  /** A complete 50,000-job drain whose 10-90% span ran at {@code perSecond}. */
  private static Outcome<DrainResult> drain(int perSecond) {
    Duration span = Duration.ofNanos(40_000L * 1_000_000_000L / perSecond);
    return new Outcome.Measured<>(
        new DrainResult(
            50_000, 50_000, 0, 0, 0, Duration.ofSeconds(1), span.plusSeconds(2), span, 40_000));
  }

  /** A complete latency run with this p99 (ms). */
  private static Outcome<LatencyResult> latency(long p99Millis) {
    return new Outcome.Measured<>(
        new LatencyResult(
            40_000,
            40_000,
            0,
            0,
            0,
            Duration.ZERO,
            p99Millis * 500,
            p99Millis * 800,
            p99Millis * 1_000,
            p99Millis * 1_100,
            p99Millis * 1_200));
  }

  private static String line(String report, String label) {
    return line(report.lines().toList(), label);
  }

  private static String line(List<String> lines, String label) {
    return lines.stream().filter(l -> l.startsWith(label)).findFirst().orElseThrow();
  }

  /** The report's lines from the reference block's title on, up to the footer's blank line. */
  private static List<String> referenceBlock(String report) {
    return report
        .lines()
        .dropWhile(l -> !l.startsWith(REFERENCE))
        .takeWhile(l -> !l.isEmpty())
        .toList();
  }

  private static BenchParams params(Map<String, String> runexSettings) {
    return new BenchParams(
        50_000,
        5_000,
        100,
        6,
        Duration.ofMillis(100),
        2_000,
        Duration.ofSeconds(5),
        Duration.ofSeconds(20),
        Duration.ofSeconds(300),
        0,
        runexSettings);
  }
}

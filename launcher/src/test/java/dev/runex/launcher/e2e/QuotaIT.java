package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.HandlerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant quotas and fairness on the real broker.
 *
 * <p>Fairness: every tenant may have {@value #MAX_IN_FLIGHT} jobs in flight; the worker runs
 * {@value #CONCURRENCY} at once. Tenant A floods {@value #FLOOD} jobs at once; tenant B submits a
 * tenth as many, spread over the flood. The gate keeps at most {@value #MAX_IN_FLIGHT} of A's jobs
 * in the pool topic and running, so a B job never queues behind A's backlog: it starts before most
 * of the A jobs that were waiting when it arrived.
 */
class QuotaIT {
  private static final Logger log = LoggerFactory.getLogger(QuotaIT.class);
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final int MAX_IN_FLIGHT = 2;
  private static final int CONCURRENCY = 4;
  private static final int FLOOD = 100;
  private static final int TRICKLE = FLOOD / 10;
  private static final int SLEEP_MS = 200;

  /**
   * B's jobs arrive this far apart. The quota caps A's drain at {@value #MAX_IN_FLIGHT} jobs per
   * {@value #SLEEP_MS} ms (10/s), so when the last B job arrives ({@value #TRICKLE} × 250 ms after
   * the flood) at most ~25 of A's jobs can have finished however fast the machine: the backlog that
   * B must pass is there by construction, not by the machine being slow.
   */
  private static final int TRICKLE_GAP_MS = 250;

  @Test
  @Timeout(300)
  void aFloodingTenantKeepsToItsQuotaAndDoesNotStarveAnother() throws Exception {
    RunexConfig cfg =
        config(
            """
          quotas:
            default: {maxInFlight: %d}
        """
                .formatted(MAX_IN_FLIGHT));
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());

      // when: A floods, B trickles in while A's backlog drains
      IntStream.rangeClosed(1, FLOOD).forEach(i -> submit(intake, "a-" + i, "a"));
      intake.flush();
      for (int i = 1; i <= TRICKLE; i++) {
        submit(intake, "b-" + i, "b");
        intake.flush();
        Thread.sleep(TRICKLE_GAP_MS);
      }
      await().atMost(WAIT).until(() -> collector.resultCount() >= FLOOD + TRICKLE);

      // then: every job ran exactly once; quota never failed or dropped one
      List<JobResult> a = results(collector, "a-", FLOOD);
      List<JobResult> b = results(collector, "b-", TRICKLE);
      // A never had more than its quota admitted (from admission, its SCHEDULED event, to its
      // result)
      List<long[]> admitted = new ArrayList<>();
      for (JobResult r : a) {
        Instant scheduled = eventTime(collector, r.getId(), JobEventKind.SCHEDULED);
        admitted.add(new long[] {scheduled.toEpochMilli(), r.getFinishedAt().toEpochMilli()});
      }
      int peakAdmitted = peakOverlap(admitted);
      int peakRunning =
          peakOverlap(
              a.stream()
                  .map(
                      r ->
                          new long[] {
                            r.getStartedAt().toEpochMilli(), r.getFinishedAt().toEpochMilli()
                          })
                  .toList());
      long throttled =
          IntStream.rangeClosed(1, FLOOD)
              .filter(
                  i ->
                      collector.events.getOrDefault("a-" + i, List.of()).stream()
                          .anyMatch(e -> e.getKind() == JobEventKind.THROTTLED))
              .count();
      List<Long> aWaits = waits(a);
      List<Long> bWaits = waits(b);
      long aMedian = aWaits.get(aWaits.size() / 2);
      long bMax = bWaits.get(bWaits.size() - 1);
      log.info(
          "quota: A peak admitted {} running {}, {} of A's jobs throttled; queue wait A median {} ms max {} ms;"
              + " B median {} ms max {} ms",
          peakAdmitted,
          peakRunning,
          throttled,
          aMedian,
          aWaits.get(aWaits.size() - 1),
          bWaits.get(bWaits.size() / 2),
          bMax);
      assertThat(peakAdmitted)
          .as("A's jobs admitted and unfinished at once")
          .isLessThanOrEqualTo(MAX_IN_FLIGHT);
      assertThat(peakRunning).as("A's jobs running at once").isEqualTo(MAX_IN_FLIGHT);
      assertThat(throttled).as("A's jobs that waited for quota").isGreaterThan(FLOOD / 2);
      // Fairness, as an order rather than a time: A's backlog is A's alone to wait for. When a B
      // job arrives, dozens of A's jobs are waiting (submitted, not started); the gate keeps them
      // out of the pool topic, so B passes most of them and only the few A jobs whose slots free up
      // while B crosses the topology start before it. Without the gate B queued behind them all.
      for (JobResult bJob : b) {
        List<JobResult> waiting =
            a.stream().filter(r -> r.getStartedAt().isAfter(bJob.getSubmittedAt())).toList();
        long startedFirst =
            waiting.stream().filter(r -> r.getStartedAt().isBefore(bJob.getStartedAt())).count();
        assertThat(waiting.size())
            .as("A's jobs waiting when %s arrived", bJob.getId())
            .isGreaterThan(FLOOD / 5);
        assertThat(startedFirst)
            .as(
                "of the %d A jobs waiting when %s arrived, those that started before it",
                waiting.size(), bJob.getId())
            .isLessThanOrEqualTo(waiting.size() / 2);
      }
    }
  }

  @Test
  @Timeout(300)
  void aRateQuotaSpacesAdmissionsAndAPerTypeLimitLeavesOtherTypesAlone() throws Exception {
    // c: 5 jobs per second after a burst of 2; its nap jobs additionally one at a time
    RunexConfig cfg =
        config(
            """
          quotas:
            tenants:
              c:
                rate: 5
                burst: 2
              d:
                jobTypes:
                  nap: {maxInFlight: 1}
        """);
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());

      // when
      int rated = 12;
      IntStream.rangeClosed(1, rated).forEach(i -> submit(intake, "c-" + i, "c"));
      IntStream.rangeClosed(1, 6).forEach(i -> submit(intake, "d-nap-" + i, "d"));
      IntStream.rangeClosed(1, 6)
          .forEach(
              i ->
                  intake.json(
                      "d-echo-" + i,
                      "{\"id\":\"d-echo-"
                          + i
                          + "\",\"type\":\"echo\",\"tenant\":\"d\",\"params\":{\"message\":\"hi\"}}"));
      intake.flush();
      await().atMost(WAIT).until(() -> collector.resultCount() >= rated + 12);

      // then: the 12 rated jobs were admitted no faster than the bucket allows: 2 at once, then 5/s
      List<JobResult> c = results(collector, "c-", rated);
      List<Instant> admissions =
          c.stream()
              .map(r -> eventTime(collector, r.getId(), JobEventKind.SCHEDULED))
              .sorted()
              .toList();
      long spread = Duration.between(admissions.get(0), admissions.get(rated - 1)).toMillis();
      log.info(
          "rate quota: {} jobs admitted over {} ms (bucket minimum {} ms)",
          rated,
          spread,
          (rated - 2) * 1000 / 5);
      // a lower bound only: a slow machine admits later, never sooner than the bucket
      assertThat(spread).isGreaterThanOrEqualTo((rated - 2) * 1000L / 5 - 150);
      // d's nap jobs ran one at a time; its echo jobs were not held behind them
      List<JobResult> naps = results(collector, "d-nap-", 6);
      assertThat(
              peakOverlap(
                  naps.stream()
                      .map(
                          r ->
                              new long[] {
                                r.getStartedAt().toEpochMilli(), r.getFinishedAt().toEpochMilli()
                              })
                      .toList()))
          .isEqualTo(1);
      List<JobResult> echoes = results(collector, "d-echo-", 6);
      Instant lastNapStart =
          naps.stream().map(JobResult::getStartedAt).max(Instant::compareTo).orElseThrow();
      assertThat(echoes)
          .as("echo jobs of d not held behind d's nap quota")
          .allSatisfy(r -> assertThat(r.getStartedAt()).isBefore(lastNapStart));
    }
  }

  /** The results of {@code prefix1..n}: exactly one each, all SUCCEEDED. */
  private static List<JobResult> results(ResultCollector collector, String prefix, int n) {
    List<JobResult> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      JobResult r = collector.only(prefix + i);
      assertThat(r).as("exactly one result for %s%d", prefix, i).isNotNull();
      assertThat(r.getStatus()).as(prefix + i).isEqualTo(JobStatus.SUCCEEDED);
      out.add(r);
    }
    return out;
  }

  /** Queue waits (submitted → started), sorted. */
  private static List<Long> waits(List<JobResult> results) {
    return results.stream()
        .map(r -> Duration.between(r.getSubmittedAt(), r.getStartedAt()).toMillis())
        .sorted()
        .toList();
  }

  private static Instant eventTime(ResultCollector collector, String id, JobEventKind kind) {
    return collector.events.getOrDefault(id, List.of()).stream()
        .filter(e -> e.getKind() == kind)
        .map(JobEvent::getTime)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " event for " + id));
  }

  /** Most intervals [from, to) open at one time. */
  private static int peakOverlap(List<long[]> intervals) {
    List<long[]> edges = new ArrayList<>();
    for (long[] i : intervals) {
      edges.add(new long[] {i[0], 1});
      edges.add(new long[] {i[1], -1});
    }
    // at equal times an end comes before a start: the next job is admitted when the last one ends
    edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    int open = 0;
    int peak = 0;
    for (long[] e : edges) {
      open += (int) e[1];
      peak = Math.max(peak, open);
    }
    return peak;
  }

  private static void submit(IntakeClient intake, String id, String tenant) {
    intake.json(
        id,
        "{\"id\":\""
            + id
            + "\",\"type\":\"nap\",\"tenant\":\""
            + tenant
            + "\",\"params\":{\"ms\":"
            + SLEEP_MS
            + "}}");
  }

  private static RunexConfig config(String quotas) {
    RunexConfig base =
        RealKafka.config(
            Map.of(
                "runex.worker.concurrency",
                Integer.toString(CONCURRENCY),
                "runex.topology.punctuateInterval",
                "100ms"));
    String yaml =
        """
        runex:
          jobTypes:
            nap:
              executor: java
              handler: sleep
              tenants: ["*"]
              params:
                ms: {type: int, required: true}
            echo:
              executor: java
              tenants: ["*"]
              allowUnknownParams: true
        """
            + quotas;
    RunexConfig parsed = ConfigLoader.fromYaml(yaml, Map.of(), Map.of());
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.putAll(parsed.jobTypes());
    return base.withJobTypes(types).withQuotas(parsed.quotas());
  }
}

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Priorities on the real broker: with a backlog of low-priority jobs queued for a worker of
 * concurrency 2, high-priority jobs submitted later start ahead of most of that backlog, and every
 * job still gets exactly one result. Start order is measured from the STARTED events' times.
 */
class PriorityIT {
  private static final Logger log = LoggerFactory.getLogger(PriorityIT.class);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int LOW = 300;
  private static final int HIGH = 10;

  /** 100 ms jobs on 2 slots: the low backlog drains at about 20 jobs per second, ~15 s in all. */
  private static final int SLEEP_MS = 100;

  @Test
  @Timeout(300)
  void highPriorityJobsStartAheadOfAQueuedLowPriorityBacklog() throws Exception {
    RunexConfig cfg = config();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      // given: a low-priority backlog queued for the pool (all of it past intake: priorities order
      // the pool's topics, while the intake topic is first come, first served), which a worker of
      // the pool has started on
      IntStream.rangeClosed(1, LOW).forEach(i -> submit(intake, "low-" + i, "low"));
      intake.flush();
      await().atMost(WAIT).until(() -> withEvent(collector, "low-", JobEventKind.SCHEDULED) == LOW);
      runtime.startWorker(HandlerRegistry.withBuiltins());
      await().atMost(WAIT).until(() -> started(collector, "low-").size() >= 10);

      // when: high-priority jobs arrive behind it
      Instant submitted = Instant.now();
      IntStream.rangeClosed(1, HIGH).forEach(i -> submit(intake, "high-" + i, "high"));
      intake.flush();
      await().atMost(WAIT).until(() -> collector.resultCount() >= LOW + HIGH);

      // then: every job ran once
      for (String id : ids()) {
        JobResult r = collector.only(id);
        assertThat(r).as("exactly one result for %s", id).isNotNull();
        assertThat(r.getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED);
      }
      // and the high jobs overtook the backlog that was left when they were submitted
      List<Instant> lowStarts = started(collector, "low-");
      Instant lastHighStart =
          started(collector, "high-").stream().max(Instant::compareTo).orElseThrow();
      Instant lastHighScheduled =
          IntStream.rangeClosed(1, HIGH)
              .mapToObj(
                  i -> eventTime(collector, "high-" + i, JobEventKind.SCHEDULED).orElseThrow())
              .max(Instant::compareTo)
              .orElseThrow();
      long remaining = lowStarts.stream().filter(t -> !t.isBefore(submitted)).count();
      long overtaken = lowStarts.stream().filter(t -> t.isAfter(lastHighStart)).count();
      long lowAfterScheduled =
          lowStarts.stream()
              .filter(t -> t.isAfter(lastHighScheduled) && t.isBefore(lastHighStart))
              .count();
      String timeline = highTimeline(collector, submitted);
      log.info(
          "priority: {} low jobs not started when the high ones were submitted; {} of them started after the "
              + "last high job; {} low jobs started between the last high job's SCHEDULED and its STARTED; {}",
          remaining,
          overtaken,
          lowAfterScheduled,
          timeline);
      // Without priorities (one FIFO topic) the high jobs would start after all `remaining` low
      // jobs. With them, what can still start first is the topology's latency (intake -> scheduled,
      // a few commit intervals, ~20 low jobs per second meanwhile) plus, once scheduled, the jobs
      // already running or buffered: at least three quarters of the backlog must be overtaken.
      assertThat(remaining)
          .as("backlog left when the high jobs arrived; " + timeline)
          .isGreaterThan(LOW / 2);
      assertThat(overtaken)
          .as("low jobs the high ones overtook, of " + remaining + "; " + timeline)
          .isGreaterThanOrEqualTo(remaining * 3 / 4);
      // Once on the high topic, a high job waits at most for a fetch round and the 2 running + 2
      // buffered low jobs: at 20 low starts per second, 1 s of fetch latency is ~20 (measured: 2).
      assertThat(lowAfterScheduled)
          .as("low jobs started after the high ones were scheduled; " + timeline)
          .isLessThanOrEqualTo(20);
    }
  }

  /** How many jobs whose id starts with {@code prefix} have a {@code kind} transition. */
  private static long withEvent(ResultCollector collector, String prefix, JobEventKind kind) {
    return collector.events.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .filter(e -> e.getValue().stream().anyMatch(v -> v.getKind() == kind))
        .count();
  }

  /**
   * Where the high jobs' time went, for the log and a failure's message: each one's RECEIVED,
   * SCHEDULED and STARTED transitions, in milliseconds after the high jobs were submitted.
   */
  private static String highTimeline(ResultCollector collector, Instant submitted) {
    StringBuilder out =
        new StringBuilder("high jobs' received/scheduled/started, ms after their submission:");
    for (int i = 1; i <= HIGH; i++) {
      String id = "high-" + i;
      out.append(' ').append(id).append('=');
      String sep = "";
      for (JobEventKind kind :
          List.of(JobEventKind.RECEIVED, JobEventKind.SCHEDULED, JobEventKind.STARTED)) {
        out.append(sep)
            .append(
                eventTime(collector, id, kind)
                    .map(t -> String.valueOf(Duration.between(submitted, t).toMillis()))
                    .orElse("?"));
        sep = "/";
      }
    }
    return out.toString();
  }

  private static List<String> ids() {
    return IntStream.concat(
            IntStream.rangeClosed(1, LOW), IntStream.rangeClosed(1, HIGH).map(i -> -i))
        .mapToObj(i -> i > 0 ? "low-" + i : "high-" + (-i))
        .toList();
  }

  private static List<Instant> started(ResultCollector collector, String prefix) {
    return collector.events.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .flatMap(e -> e.getValue().stream())
        .filter(e -> e.getKind() == JobEventKind.STARTED)
        .map(JobEvent::getTime)
        .toList();
  }

  private static Optional<Instant> eventTime(
      ResultCollector collector, String id, JobEventKind kind) {
    return collector.events.getOrDefault(id, List.of()).stream()
        .filter(e -> e.getKind() == kind)
        .map(JobEvent::getTime)
        .findFirst();
  }

  private static void submit(IntakeClient intake, String id, String priority) {
    intake.json(
        id,
        "{\"id\":\""
            + id
            + "\",\"type\":\"nap\",\"tenant\":\"demo\",\"priority\":\""
            + priority
            + "\",\"params\":{\"ms\":"
            + SLEEP_MS
            + "}}");
  }

  private static RunexConfig config() {
    RunexConfig base =
        RealKafka.config(
            Map.of(
                "runex.worker.concurrency", "2",
                "runex.topology.punctuateInterval", "100ms"));
    String yaml =
        """
        runex:
          jobTypes:
            nap:
              executor: java
              handler: sleep
              tenants: ["*"]
              priorities: [high, normal, low]
              params:
                ms: {type: int, required: true}
        """;
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.putAll(ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobTypes());
    return base.withJobTypes(types);
  }
}

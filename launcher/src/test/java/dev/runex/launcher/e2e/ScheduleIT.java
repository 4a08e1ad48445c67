package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.CronExpression;
import dev.runex.config.RunexConfig;
import dev.runex.config.ScheduleSpec;
import dev.runex.config.Settings;
import dev.runex.gateway.control.ControlWriter;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.workers.HandlerRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recurring schedules on a real broker: a schedule declared in the config fires jobs with
 * deterministic ids that run like any job; a topology restart (fresh local state, restored from the
 * changelogs) fires no firing twice; a schedule written to the topic at runtime fires too; and a
 * schedule removed from the config stops while the runtime one goes on. A schedule that must not
 * overlap learns from the worker's feedback that its run finished.
 */
class ScheduleIT {

  @Test
  @Timeout(300)
  void scheduledJobsFireOnceEachAcrossRestartsAndFollowTheConfig(@TempDir Path restartState)
      throws Exception {
    RunexConfig cfg =
        RealKafka.config(Map.of())
            .withSchedules(
                Map.of(
                    "tick",
                    new ScheduleSpec(
                        "tick",
                        CronExpression.parse("*/2 * * * * *"),
                        ZoneId.of("UTC"),
                        new ScheduleSpec.Job(
                            "echo", "demo", Map.of("message", "tick"), Map.of(), null, null, null),
                        ScheduleOverlap.ALLOW,
                        ScheduleCatchUp.LAST)));
    try (ResultCollector collector = new ResultCollector(cfg, new InProcessRuntime(cfg).topics)) {
      try (InProcessRuntime first = new InProcessRuntime(cfg).startTopology()) {
        first.startWorker(HandlerRegistry.withBuiltins());
        await().atMost(Duration.ofSeconds(60)).until(() -> count(collector, "tick@") >= 3);
      }

      RunexConfig restarted = cfg.with(Settings.TOPOLOGY_STATE_DIR, restartState.toString());
      try (InProcessRuntime second = new InProcessRuntime(restarted).startTopology()) {
        second.startWorker(HandlerRegistry.withBuiltins());
        long before = count(collector, "tick@");
        writeJsonSchedule(
            cfg,
            "rt",
            "{\"name\":\"rt\",\"cron\":\"* * * * * *\",\"overlap\":\"ALLOW\","
                + "\"job\":{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"rt\"}}}");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> count(collector, "tick@") >= before + 3 && count(collector, "rt@") >= 2);
      }

      RunexConfig withoutTick = cfg.withSchedules(Map.of());
      try (InProcessRuntime third = new InProcessRuntime(withoutTick).startTopology()) {
        third.startWorker(HandlerRegistry.withBuiltins());
        long rtBefore = count(collector, "rt@");
        // jobs fired before the restart may still finish; after that, tick fires no more
        await().atMost(Duration.ofSeconds(30)).until(() -> count(collector, "rt@") >= rtBefore + 3);
        settle(withoutTick, collector);
        long ticks = count(collector, "tick@");
        // rt (every second) fires three more times, so the schedules stage passes a tick slot
        // (every 2 s) while both would be due: no tick job comes
        long rtNow = count(collector, "rt@");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(collector, "rt@") >= rtNow + 3);
        settle(withoutTick, collector);
        assertThat(count(collector, "tick@"))
            .as("tick jobs after tick left the config")
            .isEqualTo(ticks);
        assertThat(count(collector, "rt@"))
            .as("the runtime schedule outlives the config change")
            .isGreaterThan(rtBefore);
      }

      List<Map.Entry<String, List<JobResult>>> ticks =
          collector.results.entrySet().stream()
              .filter(e -> e.getKey().startsWith("tick@"))
              .toList();
      assertThat(ticks)
          .allSatisfy(
              e -> {
                assertThat(e.getValue()).as("results of %s", e.getKey()).hasSize(1);
                assertThat(e.getValue().get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(e.getValue().get(0).getLabels()).containsEntry("runex.schedule", "tick");
                Instant fireTime = Instant.parse(e.getKey().substring("tick@".length()));
                assertThat(fireTime.getEpochSecond() % 2)
                    .as("on the cron's 2-second grid")
                    .isZero();
                // submitted up to a second ahead, started at its time, never before
                assertThat(e.getValue().get(0).getStartedAt())
                    .as("start of %s", e.getKey())
                    .isAfterOrEqualTo(fireTime);
              });
    }
  }

  /**
   * A schedule with {@code overlap: SKIP} fires again only once the worker's result of its running
   * job reached the schedules stage (as a {@code ScheduledRunFinished} on {@code feedback}, written
   * in the result's transaction): runs follow one another and never overlap, and without that
   * feedback the first run would be the only one.
   */
  @Test
  @Timeout(180)
  void aSkippingScheduleFiresAgainOnceTheWorkersFeedbackSaysItsRunFinished() throws Exception {
    RunexConfig cfg =
        RealKafka.config(Map.of())
            .withSchedules(
                Map.of(
                    "slow",
                    new ScheduleSpec(
                        "slow",
                        CronExpression.parse("* * * * * *"),
                        ZoneId.of("UTC"),
                        new ScheduleSpec.Job(
                            "sleep", "demo", Map.of("ms", 1500L), Map.of(), null, null, null),
                        ScheduleOverlap.SKIP,
                        ScheduleCatchUp.LAST)));
    try (ResultCollector collector = new ResultCollector(cfg, new InProcessRuntime(cfg).topics);
        InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology()) {
      runtime.startWorker(HandlerRegistry.withBuiltins());

      await().atMost(Duration.ofSeconds(90)).until(() -> count(collector, "slow@") >= 3);

      List<JobResult> runs =
          collector.results.entrySet().stream()
              .filter(e -> e.getKey().startsWith("slow@"))
              .flatMap(e -> e.getValue().stream())
              .sorted(Comparator.comparing(JobResult::getStartedAt))
              .toList();
      assertThat(runs)
          .allSatisfy(
              r -> {
                assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(r.getStartedAt())
                    .as("start of %s", r.getId())
                    .isAfterOrEqualTo(Instant.parse(r.getId().substring("slow@".length())));
              });
      for (int i = 1; i < runs.size(); i++) {
        assertThat(runs.get(i).getStartedAt())
            .as("%s started after %s finished", runs.get(i).getId(), runs.get(i - 1).getId())
            .isAfterOrEqualTo(runs.get(i - 1).getFinishedAt());
      }
    }
  }

  /**
   * A pause of a schedule made after the topology submitted a firing ahead of its time, but before
   * that time, takes the firing back: its worker ends the job CANCELLED at the fire time without
   * running it, and the paused schedule fires nothing more. (The lead is 8 s here, so the test can
   * see the firing submitted before it pauses; by default it is 1 s.)
   */
  @Test
  @Timeout(180)
  void aPauseBeforeAFiringsTimeTakesBackTheFiringSubmittedAheadOfIt() throws Exception {
    RunexConfig cfg =
        RealKafka.config(Map.of(Settings.TOPOLOGY_RELEASE_AHEAD.key(), "8s"))
            .withSchedules(
                Map.of(
                    "quarter",
                    new ScheduleSpec(
                        "quarter",
                        CronExpression.parse("*/15 * * * * *"),
                        ZoneId.of("UTC"),
                        new ScheduleSpec.Job(
                            "echo", "demo", Map.of("message", "q"), Map.of(), null, null, null),
                        ScheduleOverlap.ALLOW,
                        ScheduleCatchUp.NONE)));
    try (ResultCollector collector = new ResultCollector(cfg, new InProcessRuntime(cfg).topics);
        InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology()) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      // the first firing at least 12 s ahead: submitted 8 s before its time, 4 s from now or later
      long now = System.currentTimeMillis();
      Instant fireAt = Instant.ofEpochMilli((now + 12_000) / 15_000 * 15_000 + 15_000);
      String id = "quarter@" + fireAt;
      URI status =
          URI.create(
              runtime.statusUrl()
                  + "/jobs/"
                  + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
      HttpClient http = HttpClient.newHttpClient();

      // given: the firing submitted ahead of its time (its status is known before the time)
      await()
          .atMost(Duration.ofMillis(Math.max(0, fireAt.toEpochMilli() - 2_000 - now)))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  http.send(HttpRequest.newBuilder(status).GET().build(), BodyHandlers.discarding())
                          .statusCode()
                      == 200);

      // when: its schedule is paused before its time
      ControlWriter.send(cfg, ControlTargets.schedule("quarter"), ControlAction.PAUSE, "quiet");
      assertThat(Instant.now()).isBefore(fireAt);

      // then: at its time it ends CANCELLED, not run
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.only(id) != null);
      JobResult taken = collector.only(id);
      assertThat(taken.getStatus()).isEqualTo(JobStatus.CANCELLED);
      assertThat(taken.getStartedAt()).isNull();
      assertThat(taken.getError().getMessage()).contains("schedule quarter paused at");
      assertThat(taken.getFinishedAt()).isAfterOrEqualTo(fireAt);
      // and the paused schedule fires nothing more: no job at its next time
      Instant afterNext = fireAt.plusSeconds(17);
      await().atMost(Duration.ofSeconds(60)).until(() -> Instant.now().isAfter(afterNext));
      assertThat(collector.results.keySet())
          .filteredOn(
              k ->
                  k.startsWith("quarter@")
                      && !Instant.parse(k.substring("quarter@".length())).isBefore(fireAt))
          .containsExactly(id);
    }
  }

  /** Everything fired so far is submitted, run and read. */
  private static void settle(RunexConfig cfg, ResultCollector collector) {
    Settled.awaitTopologyDone(cfg, Duration.ofSeconds(60));
    Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(60));
    collector.awaitCaughtUp(Duration.ofSeconds(30));
  }

  private static long count(ResultCollector collector, String prefix) {
    return collector.results.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(e -> e.getValue().size())
        .sum();
  }

  private static void writeJsonSchedule(RunexConfig cfg, String name, String json)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cfg.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  cfg.topicPrefix() + "schedules", name, json.getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }
}

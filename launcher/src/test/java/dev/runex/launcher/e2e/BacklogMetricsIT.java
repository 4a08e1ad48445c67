package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.control.ControlWriter;
import dev.runex.launcher.it.RealKafka;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.workers.HandlerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog meters on the real broker, as a process publishes them: with the pool's worker
 * holding its jobs (their type paused), due jobs count as waiting and the oldest one's age grows;
 * delayed jobs count in the delay index with their next due time; jobs of a pool no worker ever
 * served wait from the start of its topic; once resumed, the backlog drains to zero.
 */
class BacklogMetricsIT {
  private static final Logger log = LoggerFactory.getLogger(BacklogMetricsIT.class);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int DUE = 5;

  @Test
  @Timeout(300)
  void backlogMetersCountWaitingAndDelayedJobsAndDrainToZero() throws Exception {
    RunexConfig cfg = config();
    try (InProcessRuntime runtime =
            new InProcessRuntime(cfg).startTopology().startBacklogMetrics();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      // given: a worker that fetches the pool's jobs and holds them (their type is paused)
      ControlWriter.send(cfg, ControlTargets.type("note"), ControlAction.PAUSE, "backlog test");
      runtime.startWorker(HandlerRegistry.withBuiltins());

      // when: due jobs, and delayed ones at two priorities
      IntStream.rangeClosed(1, DUE).forEach(i -> submit(intake, "w-" + i, null));
      submit(intake, "d-10m", "\"delay\":\"10m\"");
      submit(intake, "d-20m", "\"delay\":\"20m\"");
      submit(intake, "d-high-5m", "\"delay\":\"5m\",\"priority\":\"high\"");
      // and jobs of a pool no worker has ever served (its group has no offsets at all)
      intake.json("b-1", "{\"id\":\"b-1\",\"type\":\"batch\",\"tenant\":\"demo\",\"params\":{}}");
      intake.json("b-2", "{\"id\":\"b-2\",\"type\":\"batch\",\"tenant\":\"demo\",\"params\":{}}");
      intake.flush();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  IntStream.rangeClosed(1, DUE)
                          .allMatch(i -> has(collector, "w-" + i, JobEventKind.SCHEDULED))
                      && has(collector, "d-10m", JobEventKind.DELAYED)
                      && has(collector, "d-20m", JobEventKind.DELAYED)
                      && has(collector, "d-high-5m", JobEventKind.DELAYED));

      // then: the due jobs wait, and the oldest one ages
      await()
          .atMost(WAIT)
          .until(() -> gauge(runtime, RunexMeters.BACKLOG_WAITING, "normal") == DUE);
      double age = seconds(runtime, RunexMeters.BACKLOG_OLDEST_AGE, "normal");
      assertThat(age).isBetween(0.0, 60.0);
      await()
          .atMost(WAIT)
          .until(() -> seconds(runtime, RunexMeters.BACKLOG_OLDEST_AGE, "normal") >= age + 2);
      // nothing completes: the drain time is infinite once the probe has a rate
      await()
          .atMost(WAIT)
          .until(
              () -> Double.isInfinite(seconds(runtime, RunexMeters.BACKLOG_DRAIN_TIME, "normal")));
      assertThat(gauge(runtime, RunexMeters.BACKLOG_WAITING, "high")).isZero();
      await()
          .atMost(WAIT)
          .until(() -> gauge(runtime, "batch", RunexMeters.BACKLOG_WAITING, "normal") == 2);
      assertThat(seconds(runtime, "batch", RunexMeters.BACKLOG_OLDEST_AGE, "normal")).isPositive();
      assertThat(seconds(runtime, RunexMeters.BACKLOG_OLDEST_AGE, "high")).isZero();

      // and the delayed ones are counted where they wait, the next due one first
      assertThat(gauge(runtime, RunexMeters.BACKLOG_DELAYED, "normal")).isEqualTo(2);
      assertThat(seconds(runtime, RunexMeters.BACKLOG_NEXT_DUE, "normal")).isBetween(540.0, 600.0);
      assertThat(gauge(runtime, RunexMeters.BACKLOG_DELAYED, "high")).isEqualTo(1);
      assertThat(seconds(runtime, RunexMeters.BACKLOG_NEXT_DUE, "high")).isBetween(240.0, 300.0);
      assertThat(gauge(runtime, RunexMeters.BACKLOG_DELAYED, "low")).isZero();
      assertThat(seconds(runtime, RunexMeters.BACKLOG_NEXT_DUE, "low")).isNaN();
      log.info(
          "backlog: waiting {}, oldest {} s, drain {} s; delayed {} (next in {} s)",
          gauge(runtime, RunexMeters.BACKLOG_WAITING, "normal"),
          seconds(runtime, RunexMeters.BACKLOG_OLDEST_AGE, "normal"),
          seconds(runtime, RunexMeters.BACKLOG_DRAIN_TIME, "normal"),
          gauge(runtime, RunexMeters.BACKLOG_DELAYED, "normal"),
          seconds(runtime, RunexMeters.BACKLOG_NEXT_DUE, "normal"));

      // when: the type is resumed
      ControlWriter.send(cfg, ControlTargets.type("note"), ControlAction.RESUME, null);

      // then: the jobs run and the backlog drains
      await()
          .atMost(WAIT)
          .until(
              () ->
                  IntStream.rangeClosed(1, DUE)
                      .allMatch(i -> collector.results.containsKey("w-" + i)));
      IntStream.rangeClosed(1, DUE)
          .forEach(
              i -> assertThat(collector.only("w-" + i).getStatus()).isEqualTo(JobStatus.SUCCEEDED));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  gauge(runtime, RunexMeters.BACKLOG_WAITING, "normal") == 0
                      && seconds(runtime, RunexMeters.BACKLOG_OLDEST_AGE, "normal") == 0
                      && seconds(runtime, RunexMeters.BACKLOG_DRAIN_TIME, "normal") == 0);
      assertThat(gauge(runtime, RunexMeters.BACKLOG_DELAYED, "normal")).isEqualTo(2);
    }
  }

  private static double gauge(InProcessRuntime runtime, RunexMeters meter, String priority) {
    return gauge(runtime, "default", meter, priority);
  }

  private static double gauge(
      InProcessRuntime runtime, String pool, RunexMeters meter, String priority) {
    Gauge g =
        runtime.meters.find(meter.meterName()).tags("pool", pool, "priority", priority).gauge();
    assertThat(g).as(meter.meterName() + " " + priority).isNotNull();
    return g.value();
  }

  private static double seconds(InProcessRuntime runtime, RunexMeters meter, String priority) {
    return seconds(runtime, "default", meter, priority);
  }

  private static double seconds(
      InProcessRuntime runtime, String pool, RunexMeters meter, String priority) {
    TimeGauge g =
        runtime.meters.find(meter.meterName()).tags("pool", pool, "priority", priority).timeGauge();
    assertThat(g).as(meter.meterName() + " " + priority).isNotNull();
    return g.value(TimeUnit.SECONDS);
  }

  private static boolean has(ResultCollector collector, String id, JobEventKind kind) {
    return collector.events.getOrDefault(id, List.of()).stream()
        .map(JobEvent::getKind)
        .anyMatch(kind::equals);
  }

  private static void submit(IntakeClient intake, String id, String extra) {
    intake.json(
        id,
        "{\"id\":\""
            + id
            + "\",\"type\":\"note\",\"tenant\":\"demo\",\"params\":{}"
            + (extra == null ? "" : "," + extra)
            + "}");
  }

  private static RunexConfig config() {
    RunexConfig base =
        RealKafka.config(
            Map.of(
                "runex.topology.punctuateInterval", "100ms",
                "runex.metrics.backlogInterval", "500ms",
                "runex.metrics.backlogRateWindow", "5s"));
    String yaml =
        """
        runex:
          jobTypes:
            note:
              executor: java
              handler: echo
              tenants: ["*"]
              allowUnknownParams: true
              priorities: [high, normal, low]
            batch:
              executor: java
              handler: echo
              pool: batch
              tenants: ["*"]
              allowUnknownParams: true
        """;
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.putAll(ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobTypes());
    return base.withJobTypes(types);
  }
}

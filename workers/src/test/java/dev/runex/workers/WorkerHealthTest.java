package dev.runex.workers;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.monitoring.health.HealthReport;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.internal.monitoring.WorkerHealth;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a worker answers to /health/live and /health/ready, driven through its real poll loop. */
class WorkerHealthTest {
  private static final String SCHEDULED = "runex.scheduled.default";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final RunexConfig cfg =
      TestConfig.config(
          Map.of(
              "runex.worker.id", "w1",
              "runex.worker.commitInterval", "20ms",
              "runex.worker.drainTimeout", "2s"));
  private final RunexTopics topics = TestConfig.topics(cfg);
  private JobWorker worker;

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void becomesReadyOnlyOnceTheControlTopicIsReadAndTheGroupAssignedIt() {
    FakeKafka kafka = new FakeKafka(topics, SCHEDULED, 3).withControlTopic(1);
    worker = worker(kafka);
    assertThat(worker.health().liveness().up()).isTrue();
    assertThat(worker.health().readiness().reasons())
        .containsExactly(
            "poll-loop: not started yet",
            "control-table: reading the control topic (no job starts before)",
            "assignment: waiting for the consumer group to assign pool default");

    worker.start();
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> !worker.health().readiness().up() && worker.health().liveness().up());
    assertThat(worker.health().readiness().reasons())
        .contains("control-table: reading the control topic (no job starts before)");

    kafka.appendControl(0, "tenant:acme", null);
    await()
        .atMost(WAIT)
        .until(
            () ->
                worker
                    .health()
                    .readiness()
                    .reasons()
                    .equals(
                        java.util.List.of(
                            "assignment: waiting for the consumer group to assign pool default")));

    kafka.assign(kafka.partitions(0, 1, 2));
    await().atMost(WAIT).until(() -> worker.health().readiness().up());
    assertThat(worker.health().readiness().checks())
        .anySatisfy(
            c -> assertThat(c.detail()).isEqualTo("3 partition(s) of pool default assigned"));
  }

  @Test
  void aWorkerFencedAgainAndAgainIsNoLongerLiveAndSaysWhy() {
    FakeKafka kafka = new FakeKafka(topics, SCHEDULED, 1);
    worker = worker(kafka);
    worker.start();
    kafka.assign(kafka.partitions(0));
    await().atMost(WAIT).until(() -> worker.health().readiness().up());

    kafka.fenceEachNewProducer = true;
    kafka.producer.fenceProducer();
    kafka.append(0, job("after-fence", "echo", Map.of()));

    await().atMost(WAIT).until(() -> !worker.health().liveness().up());
    HealthReport live = worker.health().liveness();
    assertThat(live.reasons())
        .singleElement()
        .asString()
        .startsWith("poll-loop: stopped by itself");
    assertThat(worker.health().readiness().up()).isFalse();
  }

  @Test
  void workerWhoseControlReaderFailedIsNoLongerLive() {
    FakeKafka kafka = new FakeKafka(topics, SCHEDULED, 1).withControlTopic(0);
    worker = worker(kafka);
    worker.start();
    kafka.assign(kafka.partitions(0));
    await().atMost(WAIT).until(() -> worker.health().readiness().up());

    kafka.control.setPollException(new KafkaException("broken control consumer"));

    await().atMost(WAIT).until(() -> !worker.health().liveness().up());
    assertThat(worker.health().liveness().reasons())
        .singleElement()
        .asString()
        .startsWith("control-reader: stopped by itself")
        .contains("broken control consumer");
  }

  @Test
  void stoppedWorkerIsLiveButNotReady() {
    FakeKafka kafka = new FakeKafka(topics, SCHEDULED, 1);
    worker = worker(kafka);
    worker.start();
    kafka.assign(kafka.partitions(0));
    await().atMost(WAIT).until(() -> worker.health().readiness().up());

    worker.close();

    assertThat(worker.isRunning()).isFalse();
    assertThat(worker.health().liveness().up()).isTrue();
    assertThat(worker.health().readiness().reasons()).contains("poll-loop: stopping");
  }

  @Test
  void loopThatStopsComingRoundIsNotLive() {
    Duration drain = Duration.ofSeconds(30);
    WorkerHealth.View fresh = view(Duration.ofSeconds(1), drain);
    WorkerHealth.View stuck = view(drain.plus(WorkerHealth.STALL_MARGIN).plusSeconds(1), drain);
    WorkerHealth.View draining = view(drain.plus(WorkerHealth.STALL_MARGIN), drain);

    assertThat(new WorkerHealth(() -> fresh).liveness().up()).isTrue();
    assertThat(new WorkerHealth(() -> draining).liveness().up()).isTrue();
    HealthReport report = new WorkerHealth(() -> stuck).liveness();
    assertThat(report.up()).isFalse();
    assertThat(report.reasons())
        .containsExactly("poll-loop: has not come round for 121 s (limit 120 s)");
  }

  private static WorkerHealth.View view(Duration sinceLastRound, Duration drain) {
    return new WorkerHealth.View(
        "default", true, true, false, null, sinceLastRound, drain, true, null, true, 2);
  }

  private JobWorker worker(FakeKafka kafka) {
    return new JobWorker(
        cfg,
        topics,
        HandlerRegistry.withBuiltins(),
        new SimpleMeterRegistry(),
        kafka,
        Clock.systemUTC());
  }
}

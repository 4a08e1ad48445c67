package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.testing.HandClock;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An idle worker's poll must end when its next commit is due: the results of jobs that finished are
 * invisible until that commit, so a longer poll would hold them back.
 */
class WorkerIdlePollTest {
  private static final Instant T0 = Instant.parse("2026-11-26T05:00:00Z");

  private JobWorker worker;

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void anIdlePollLastsOnlyUntilTheNextCommitIsDue() {
    // given: commits every 100 ms, and a clock the test moves by hand
    RunexConfig cfg =
        TestConfig.config(Map.of("runex.worker.id", "w1", "runex.worker.commitInterval", "100ms"));
    RunexTopics topics = TestConfig.topics(cfg);
    FakeKafka kafka = new FakeKafka(topics, "runex.scheduled.default", 1);
    HandClock clock = new HandClock(T0);
    worker =
        new JobWorker(
            cfg, topics, HandlerRegistry.withBuiltins(), new SimpleMeterRegistry(), kafka, clock);
    worker.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kafka.consumer.pollTimeouts.contains(Duration.ofMillis(100)));

    // when: 70 ms after the last commit
    clock.set(T0.plusMillis(70));

    // then: the worker polls for the 30 ms left, not for its full idle poll
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kafka.consumer.pollTimeouts.contains(Duration.ofMillis(30)));

    // and once it is overdue, it commits and polls for a whole interval again, never for less than
    // nothing
    kafka.consumer.pollTimeouts.clear();
    clock.set(T0.plusMillis(250));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kafka.consumer.pollTimeouts.contains(Duration.ofMillis(100)));
    assertThat(kafka.consumer.pollTimeouts)
        .allMatch(d -> !d.isNegative() && d.compareTo(Duration.ofMillis(100)) <= 0);
  }
}

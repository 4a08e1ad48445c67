package dev.runex.workers.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ResourceUsage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void tagsUndeclaredTypesAsUnknownToBoundCardinality() {
    try (WorkerMetrics metrics = new WorkerMetrics(registry, Set.of("echo"), () -> 0, () -> 0)) {
      metrics.finished("echo", "succeeded", Duration.ofMillis(5));
      metrics.finished("attacker-chosen-" + System.nanoTime(), "failed", Duration.ofMillis(5));

      assertThat(
              registry
                  .get("runex.job.completed")
                  .tags("type", "echo", "outcome", "succeeded")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("runex.job.completed")
                  .tags("type", "unknown", "outcome", "failed")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void gaugesReadLiveValuesAndDisappearOnClose() {
    WorkerMetrics metrics =
        new WorkerMetrics(registry, Set.of(), () -> 3, () -> 7, () -> 1024, () -> 2);

    assertThat(registry.get("runex.worker.in.flight").gauge().value()).isEqualTo(3);
    assertThat(registry.get("runex.worker.buffered").gauge().value()).isEqualTo(7);
    assertThat(registry.get("runex.worker.memory.reserved").gauge().value()).isEqualTo(1024);
    assertThat(registry.get("runex.worker.parked").gauge().value()).isEqualTo(2);

    metrics.close();

    assertThat(registry.find("runex.worker.in.flight").gauge()).isNull();
  }

  @Test
  void countersOfRareEventsAreThereAtZeroFromTheStartSoAnAlertSeesTheFirst() {
    try (WorkerMetrics metrics = new WorkerMetrics(registry, Set.of(), () -> 0, () -> 0)) {
      assertThat(registry.get("runex.worker.early.arrivals").counter().count()).isZero();
      assertThat(
              registry.get("runex.worker.producer.lost").tag("cause", "fenced").counter().count())
          .isZero();
      assertThat(registry.get("runex.worker.producer.lost").tag("cause", "other").counter().count())
          .isZero();
      assertThat(
              registry.get("runex.job.dead.lettered").tag("stage", "execution").counter().count())
          .isZero();

      metrics.earlyArrival();
      metrics.producerLost(true);
      metrics.deadLettered();

      assertThat(registry.get("runex.worker.early.arrivals").counter().count()).isEqualTo(1);
      assertThat(
              registry.get("runex.worker.producer.lost").tag("cause", "fenced").counter().count())
          .isEqualTo(1);
      assertThat(
              registry.get("runex.job.dead.lettered").tag("stage", "execution").counter().count())
          .isEqualTo(1);
    }
  }

  @Test
  void negativeQueueWaitCountsAsZero() {
    try (WorkerMetrics metrics = new WorkerMetrics(registry, Set.of("echo"), () -> 0, () -> 0)) {
      metrics.started("echo", Duration.ofSeconds(-5), Duration.ofMillis(-1));

      assertThat(
              registry
                  .get("runex.job.queue.wait")
                  .timer()
                  .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
          .isZero();
      assertThat(
              registry
                  .get("runex.job.start.delay")
                  .timer()
                  .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
          .isZero();
      assertThat(registry.get("runex.job.started").counter().count()).isEqualTo(1);
    }
  }

  @Test
  void startDelayIsTheTimeFromFetchToStartByType() {
    try (WorkerMetrics metrics = new WorkerMetrics(registry, Set.of("echo"), () -> 0, () -> 0)) {
      metrics.started("echo", Duration.ofMillis(300), Duration.ofMillis(40));
      metrics.started("echo", Duration.ofMillis(200), Duration.ofMillis(20));

      var delay = registry.get("runex.job.start.delay").tag("type", "echo").timer();
      assertThat(delay.count()).isEqualTo(2);
      assertThat(delay.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(60.0);
      assertThat(
              registry
                  .get("runex.job.queue.wait")
                  .timer()
                  .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
          .isEqualTo(500.0);
    }
  }

  @Test
  void resourceUsageFeedsCpuPeakMemoryAndLimitMetersByTypeAndOutcome() {
    try (WorkerMetrics metrics =
        new WorkerMetrics(registry, Set.of("py"), () -> 0, () -> 0, () -> 0, () -> 0)) {
      ResourceUsage usage =
          ResourceUsage.newBuilder()
              .setWallMs(2000)
              .setCpuMs(1500L)
              .setPeakMemoryBytes(64L << 20)
              .setLimit("MEMORY_LIMIT")
              .build();

      metrics.finished("py", "failed", Duration.ofSeconds(2), usage);
      metrics.finished(
          "py",
          "succeeded",
          Duration.ofSeconds(1),
          ResourceUsage.newBuilder().setLimit("made-up").build());

      assertThat(
              registry
                  .get("runex.job.cpu")
                  .tags("type", "py", "outcome", "failed")
                  .timer()
                  .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
          .isEqualTo(1500);
      assertThat(
              registry
                  .get("runex.job.memory.peak")
                  .tags("type", "py", "outcome", "failed")
                  .summary()
                  .max())
          .isEqualTo(64.0 * 1024 * 1024);
      assertThat(
              registry
                  .get("runex.job.limited")
                  .tags("type", "py", "limit", "MEMORY_LIMIT")
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .get("runex.job.limited")
                  .tags("type", "py", "limit", "OTHER")
                  .counter()
                  .count())
          .as("limit values outside the known set do not become tags")
          .isEqualTo(1);
    }
  }
}

package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.workers.internal.output.ProducerLostException;
import dev.runex.workers.testing.HandClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

class ProducerRecoveryTest {
  private final HandClock clock = new HandClock(Instant.parse("2026-12-06T06:00:00Z"));
  private final ProducerRecovery recovery = new ProducerRecovery(state());

  @Test
  void theThirdFencingWithinTheWindowIsOneTooMany() {
    assertThat(recovery.fencedTooOften(fenced())).isFalse();
    clock.advance(Duration.ofMinutes(4));
    assertThat(recovery.fencedTooOften(fenced())).isFalse();
    clock.advance(Duration.ofMinutes(4));
    assertThat(recovery.fencedTooOften(fenced())).isTrue();
    assertThat(recovery.fencedTooOftenFailure(fenced()))
        .hasMessageContaining("fenced 3 times within 10 min")
        .hasMessageEndingWith("with transactional id runex.worker.default.w1");
  }

  @Test
  void fencingsOlderThanTheWindowAreForgotten() {
    // a worker or broker that stands still now and then: each freeze fences the producer once
    for (int i = 0; i < 10; i++) {
      assertThat(recovery.fencedTooOften(fenced())).as("fencing %d", i).isFalse();
      clock.advance(ProducerRecovery.FENCING_WINDOW.dividedBy(2).plusSeconds(1));
    }
    assertThat(recovery.recentFencings()).isEqualTo(2);
  }

  @Test
  void aProducerLostWithoutFencingIsNotCounted() {
    for (int i = 0; i < 5; i++) {
      assertThat(recovery.fencedTooOften(lost(new InvalidProducerEpochException("bumped"))))
          .isFalse();
    }
    assertThat(recovery.recentFencings()).isZero();
  }

  private static ProducerLostException fenced() {
    return lost(new KafkaException("commit failed", new ProducerFencedException("epoch bumped")));
  }

  private static ProducerLostException lost(Exception cause) {
    return new ProducerLostException("transactional commit failed", cause);
  }

  private WorkerState state() {
    WorkerSettings settings =
        new WorkerSettings(
            "default",
            "w1",
            true,
            "runex.worker.default",
            "runex.worker.default.w1",
            1,
            Duration.ofMillis(10),
            Duration.ZERO,
            10,
            10,
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofSeconds(45),
            0);
    return new WorkerState(settings, clock, null, null, null, null, null, null, null, null, null);
  }
}

package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.workers.JobWorkerTest.ShiftedClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PauseDetectorTest {
  @Test
  void aProcessThatStoodStillIsNoticedAndCountedOnce() {
    ShiftedClock clock = new ShiftedClock();
    try (PauseDetector pauses = new PauseDetector(clock, "test-pauses")) {
      // the whole process stands still for 30 s, as its clock tells on waking
      clock.shift(Duration.ofSeconds(30));
      assertThat(pauses.takeLongestStallMillis()).isGreaterThanOrEqualTo(29_000);
      assertThat(pauses.takeLongestStallMillis()).as("counted once").isLessThan(5_000);
    }
  }

  @Test
  void aThreadWaitingInALongCallIsNoStall() throws InterruptedException {
    ShiftedClock clock = new ShiftedClock();
    try (PauseDetector pauses = new PauseDetector(clock, "test-pauses")) {
      long start = System.nanoTime();
      // the loop thread waits (here: this one) while the detector's thread runs on
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - start > Duration.ofMillis(1500).toNanos());
      assertThat(pauses.takeLongestStallMillis()).isLessThan(5_000);
    }
  }
}

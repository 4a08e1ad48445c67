package dev.runex.topology.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class SweepPaceTest {
  private static final long T0 = 1_000_000L;
  private static final long MINUTE = 60_000L;

  private final List<Long> sweptAt = new ArrayList<>();

  /** What each sweep answers, in order: whether it took a full batch. */
  private final Deque<Boolean> full = new ArrayDeque<>();

  private final SweepPace pace = new SweepPace(Duration.ofMinutes(1), T0);

  @Test
  void sweepsOncePerIntervalWhileEachRunTakesLessThanABatch() {
    // when ticking every second for three minutes
    tickEverySecond(T0, T0 + 3 * MINUTE);

    // then
    assertThat(sweptAt).containsExactly(T0 + MINUTE, T0 + 2 * MINUTE, T0 + 3 * MINUTE);
  }

  @Test
  void sweepsAgainAtEachTickWhileRunsTakeFullBatches() {
    // given three full batches due, then less than one
    full.addAll(List.of(true, true, true, false));

    // when
    tickEverySecond(T0, T0 + 2 * MINUTE + 10_000);

    // then: four runs a second apart, then the interval again
    assertThat(sweptAt)
        .containsExactly(
            T0 + MINUTE,
            T0 + MINUTE + 1_000,
            T0 + MINUTE + 2_000,
            T0 + MINUTE + 3_000,
            T0 + 2 * MINUTE + 3_000);
  }

  private void tickEverySecond(long from, long to) {
    for (long now = from; now <= to; now += SweepPace.TICK.toMillis()) {
      long at = now;
      pace.tick(
          now,
          () -> {
            sweptAt.add(at);
            return !full.isEmpty() && full.poll();
          });
    }
  }
}

package dev.runex.workers.internal.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EarlyArrivalsTest {
  private static final long NOW = 1_770_000_000_000L;

  @Test
  void aJobDueWithinTheLeadAndItsToleranceIsNotWorthAWordNorACount() {
    AtomicInteger counted = new AtomicInteger();
    EarlyArrivals early = new EarlyArrivals(Duration.ofSeconds(1), counted::incrementAndGet);

    assertThat(early.fetched("j", NOW + 2_000, NOW)).isNull();
    assertThat(early.fetched("j", NOW - 5_000, NOW)).isNull();
    assertThat(counted).hasValue(0);
  }

  @Test
  void aJobFurtherAheadIsWarnedOfAtMostOnceAMinuteWithHowManyCameSinceAndEachIsCounted() {
    AtomicInteger counted = new AtomicInteger();
    EarlyArrivals early = new EarlyArrivals(Duration.ofSeconds(1), counted::incrementAndGet);

    assertThat(early.fetched("a", NOW + 65_000, NOW))
        .contains("job a arrived 65000 ms before it is due")
        .contains("runex.topology.releaseAhead (1000 ms)")
        .contains("clock behind the topology's")
        .contains("(1 such job(s) so far)");
    assertThat(early.fetched("b", NOW + 65_000, NOW + 10_000)).isNull();
    assertThat(early.fetched("c", NOW + 65_000, NOW + 59_999)).isNull();
    assertThat(early.fetched("d", NOW + 125_000, NOW + 60_000))
        .contains("job d arrived 65000 ms")
        .contains("(3 such job(s) in the last 60 s)");
    assertThat(counted).hasValue(4);
  }
}

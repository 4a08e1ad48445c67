package dev.runex.monitoring.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DrainRateTest {

  @Test
  void rateIsUnknownUntilASecondSample() {
    DrainRate rate = new DrainRate(60_000);

    assertThat(rate.record(0, 100)).isNaN();
  }

  @Test
  void rateIsCommittedOffsetsPerSecondOverTheWindow() {
    // given
    DrainRate rate = new DrainRate(60_000);
    rate.record(0, 100);

    // when / then: 50 offsets in 10 s
    assertThat(rate.record(10_000, 150)).isCloseTo(5.0, within(1e-9));
    // 150 more in the next 20 s: 200 in 30 s
    assertThat(rate.record(30_000, 300)).isCloseTo(200 / 30.0, within(1e-9));
  }

  @Test
  void samplesOlderThanTheWindowStopCounting() {
    // given: fast at first, then stalled for longer than the window
    DrainRate rate = new DrainRate(20_000);
    rate.record(0, 0);
    rate.record(5_000, 1_000);
    rate.record(15_000, 1_000);
    rate.record(25_000, 1_000);

    // when
    double now = rate.record(35_000, 1_000);

    // then: the window (15 s .. 35 s) saw nothing complete
    assertThat(now).isZero();
  }

  @Test
  void offsetsGoingBackStartTheWindowOver() {
    // given
    DrainRate rate = new DrainRate(60_000);
    rate.record(0, 500);
    rate.record(10_000, 600);

    // when: the group was reset
    double afterReset = rate.record(20_000, 10);

    // then
    assertThat(afterReset).isNaN();
    assertThat(rate.record(30_000, 30)).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void drainTimeIsLagOverRateZeroWhenNothingLagsAndInfiniteWhenNothingCompletes() {
    assertThat(DrainRate.drainSeconds(100, 4.0)).isEqualTo(25.0);
    assertThat(DrainRate.drainSeconds(0, 0.0)).isZero();
    assertThat(DrainRate.drainSeconds(0, Double.NaN)).isZero();
    assertThat(DrainRate.drainSeconds(5, 0.0)).isInfinite();
    assertThat(DrainRate.drainSeconds(5, Double.NaN)).isNaN();
  }
}

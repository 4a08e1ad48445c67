package dev.runex.bench.delayed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.bench.delayed.Lateness.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatenessTest {

  @Test
  void startAndResultAreMeasuredFromTheDueTime() {
    Lateness l =
        Lateness.of(
            List.of(
                new Sample(1_000, 1_100L, 1_300L),
                new Sample(2_000, 2_050L, 2_200L),
                new Sample(3_000, 3_400L, 3_900L)));
    assertThat(l.start().p50()).isEqualTo(100);
    assertThat(l.start().max()).isEqualTo(400);
    assertThat(l.start().min()).isEqualTo(50);
    assertThat(l.result().p50()).isEqualTo(300);
    assertThat(l.result().max()).isEqualTo(900);
    assertThat(l.startedEarly()).isZero();
    assertThat(l.notStarted()).isZero();
    assertThat(l.firstDueToLastStartMs()).isEqualTo(2_400);
  }

  @Test
  void aStartBeforeItsDueTimeCountsAsEarlyAndOnTimeDoesNot() {
    Lateness l =
        Lateness.of(
            List.of(
                new Sample(1_000, 999L, 1_200L),
                new Sample(1_000, 1_000L, 1_200L),
                new Sample(1_000, 1_001L, 1_200L)));
    assertThat(l.startedEarly()).isEqualTo(1);
    assertThat(l.start().min()).isEqualTo(-1);
  }

  @Test
  void aJobWithoutAStartCountsOnlyForItsResult() {
    Lateness l =
        Lateness.of(List.of(new Sample(1_000, null, 1_500L), new Sample(1_000, 1_200L, 1_300L)));
    assertThat(l.notStarted()).isEqualTo(1);
    assertThat(l.start().count()).isEqualTo(1);
    assertThat(l.result().count()).isEqualTo(2);
    assertThat(l.result().max()).isEqualTo(500);
    assertThat(l.firstDueToLastStartMs()).isEqualTo(200);
  }

  @Test
  void noSamplesMeasureNothing() {
    Lateness l = Lateness.of(List.of());
    assertThat(l.start().count()).isZero();
    assertThat(l.result().count()).isZero();
    assertThat(l.firstDueToLastStartMs()).isZero();
  }
}

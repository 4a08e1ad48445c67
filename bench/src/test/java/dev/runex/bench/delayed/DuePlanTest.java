package dev.runex.bench.delayed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DuePlanTest {

  @Test
  void dueTimesCoverTheWindowEvenlyInAShuffledOrder() {
    List<Long> due = DuePlan.of(10_000, 20_000, 10_000, 42);
    assertThat(due).hasSize(10_000);
    assertThat(due.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(10_000);
    assertThat(due.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(29_998);
    List<Long> sorted = due.stream().sorted().toList();
    assertThat(sorted)
        .as("two due times per millisecond, none missing")
        .isEqualTo(
            java.util.stream.LongStream.range(0, 10_000).mapToObj(i -> 10_000 + i * 2).toList());
    assertThat(due).as("submitted out of due order").isNotEqualTo(sorted);
  }

  @Test
  void manyJobsInOneSecondShareMilliseconds() {
    List<Long> due = DuePlan.of(0, 1_000, 10_000, 1);
    assertThat(due).allMatch(t -> t >= 0 && t < 1_000);
    assertThat(due.stream().filter(t -> t == 0).count()).isEqualTo(10);
  }

  @Test
  void theSameSeedGivesTheSameOrder() {
    assertThat(DuePlan.of(0, 100, 50, 7)).isEqualTo(DuePlan.of(0, 100, 50, 7));
  }

  @Test
  void refusesAnEmptyLoad() {
    assertThatThrownBy(() -> DuePlan.of(0, 100, 0, 7)).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.runex.topology.queueing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DelayIndexKeyTest {

  @Test
  void keysSortByDueTimeEvenAcrossDigitCounts() {
    // given
    String late = DelayIndexKey.of(job("a", 10_000_000_000_000L, 1));
    String early = DelayIndexKey.of(job("z", 999L, 1));
    String middle = DelayIndexKey.of(job("m", 1_000L, 3));

    // when
    List<String> sorted = Stream.of(late, early, middle).sorted().toList();

    // then
    assertThat(sorted).containsExactly(early, middle, late);
    assertThat(middle).isEqualTo("0000000000000001000|m#3");
  }

  @Test
  void dueByBoundsExactlyTheKeysDueAtOrBeforeNow() {
    // given
    long now = 1_772_359_200_000L;
    String bound = DelayIndexKey.dueBy(now);

    // then
    assertThat(DelayIndexKey.of(job("x", now, 9))).isLessThan(bound);
    assertThat(DelayIndexKey.of(job("\uffff", now, 9))).isLessThan(bound);
    assertThat(DelayIndexKey.of(job("x", now + 1, 1))).isGreaterThan(bound);
  }

  @Test
  void clampsDueTimesBeforeTheEpoch() {
    assertThat(DelayIndexKey.of(job("old", -5L, 1))).startsWith("0000000000000000000|");
  }

  private static Job job(String id, long dueAt, int attempt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setPool("default")
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(attempt)
        .setMaxAttempts(3)
        .setTimeoutMs(1_000)
        .setSubmittedAt(Instant.ofEpochMilli(0))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}

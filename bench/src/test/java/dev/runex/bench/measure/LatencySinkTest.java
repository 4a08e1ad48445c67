package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class LatencySinkTest {
  private static final long MS = 1_000_000L;

  @Test
  void recordsOnlyMeasuredJobsFromTheirDueTime() {
    // given jobs 0-1 are warm-up, 2-3 measured; job i was due at i seconds
    AtomicLongArray due = new AtomicLongArray(4);
    for (int i = 0; i < 4; i++) {
      due.set(i, i * 1_000 * MS);
    }
    LatencySink sink = new LatencySink("l", "p", due, 2);

    // when warm-up and measured results arrive 500 ms (warm-up) and 10 / 30 ms (measured) after due
    sink.accept("l-0", true, 500 * MS);
    sink.accept("l-1", true, 1_500 * MS);
    sink.accept("l-2", true, 2_010 * MS);
    sink.accept("l-3", true, 3_030 * MS);
    LatencyResult result = sink.result(2, 0, Duration.ZERO);

    // then
    assertThat(result.received()).isEqualTo(2);
    // HdrHistogram with 3 significant digits: values are exact to 0.1%
    assertThat(result.maxMicros()).isCloseTo(30_000L, withPercentage(0.1));
    assertThat(result.p50Micros()).isCloseTo(10_000L, withPercentage(0.1));
    assertThat(result.complete()).isTrue();
  }

  @Test
  void probeResultsProveLivenessWithoutBeingMeasured() throws InterruptedException {
    LatencySink sink = new LatencySink("l", "p", new AtomicLongArray(1), 0);
    assertThat(sink.awaitLive(Duration.ZERO)).isFalse();

    sink.accept("p-0", true, 1);

    assertThat(sink.awaitLive(Duration.ZERO)).isTrue();
    assertThat(sink.received()).isZero();
  }

  @Test
  void finishesWhenTheExpectationIsSetAfterTheLastResult() throws InterruptedException {
    // given every result already read before the sender knows how many to expect
    LatencySink sink = new LatencySink("l", "p", new AtomicLongArray(2), 0);
    sink.accept("l-0", true, 1);
    sink.accept("l-1", true, 2);
    assertThat(sink.await(Duration.ZERO)).isFalse();

    // when
    sink.expect(2);

    // then
    assertThat(sink.await(Duration.ZERO)).isTrue();
  }

  @Test
  void countsADuplicateResultOnceAsDuplicate() {
    LatencySink sink = new LatencySink("l", "p", new AtomicLongArray(1), 0);

    sink.accept("l-0", true, 1);
    sink.accept("l-0", false, 2);

    LatencyResult result = sink.result(1, 0, Duration.ZERO);
    assertThat(result.received()).isEqualTo(1);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.failed()).isZero();
  }
}

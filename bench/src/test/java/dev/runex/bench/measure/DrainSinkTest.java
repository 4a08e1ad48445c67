package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainSinkTest {
  private static final long MS = 1_000_000L;

  @Test
  void steadyRateSpansTheReadsThatPassTenAndNinetyPercent() {
    // given 100 expected results read in ten polls of ten, 100 ms apart, starting 1 s after start
    DrainSink sink = new DrainSink("d", 100);
    for (int seq = 0; seq < 100; seq++) {
      sink.accept("d-" + seq, true, 1_000 * MS + (seq / 10) * 100 * MS);
    }

    // when
    DrainResult result = sink.result(0, 0);

    // then the 10% read is poll 0 (10 results), the 90% read is poll 8 (90 results): 80 in 800 ms
    assertThat(result.complete()).isTrue();
    assertThat(result.steadyJobs()).isEqualTo(80);
    assertThat(result.steadySpan()).isEqualTo(Duration.ofMillis(800));
    assertThat(result.steadyJobsPerSecond()).isEqualTo(100.0);
    assertThat(result.startToFirst()).isEqualTo(Duration.ofSeconds(1));
    assertThat(result.wallJobsPerSecond()).isCloseTo(100 / 1.9, within(1e-9));
  }

  @Test
  void countsDuplicatesAndFailuresAndIgnoresOtherTags() {
    DrainSink sink = new DrainSink("d", 3);

    sink.accept("d-0", true, 1);
    sink.accept("d-0", true, 2);
    sink.accept("d-1", false, 3);
    sink.accept("w-2", true, 4);

    DrainResult result = sink.result(0, 0);
    assertThat(result.received()).isEqualTo(2);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.failed()).isEqualTo(1);
    assertThat(result.complete()).isFalse();
  }

  @Test
  void hasNoSteadyRateWhenOneReadCarriedAllResults() {
    DrainSink sink = new DrainSink("d", 10);
    for (int seq = 0; seq < 10; seq++) {
      sink.accept("d-" + seq, true, 5 * MS);
    }

    assertThat(sink.result(0, 0).steadyJobsPerSecond()).isNaN();
  }

  @Test
  void awaitReturnsOnceEveryExpectedResultIsIn() throws InterruptedException {
    DrainSink sink = new DrainSink("d", 2);
    sink.accept("d-0", true, 1);
    assertThat(sink.await(Duration.ZERO)).isFalse();

    sink.accept("d-1", true, 2);

    assertThat(sink.await(Duration.ZERO)).isTrue();
  }

  @Test
  void refusedSendsCountAsExpectedButNotAsMissing() {
    // given 3 jobs written, 1 refused by the broker: 2 results can come
    DrainSink sink = new DrainSink("d", 2);
    sink.accept("d-0", true, 1);
    sink.accept("d-2", true, 2);

    DrainResult result = sink.result(0, 1);

    assertThat(result.expected()).isEqualTo(3);
    assertThat(result.complete()).isTrue();
  }
}

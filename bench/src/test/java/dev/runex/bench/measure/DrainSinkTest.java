package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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
  void steadyCpuIsWhatWasUsedBetweenTheReadsThatPassTenAndNinetyPercent() {
    // given a meter at poll k reading k seconds of bench JVM and k/10 s of server CPU, and the same
    // ten polls
    AtomicInteger poll = new AtomicInteger();
    CpuMeter meter =
        () ->
            Optional.of(
                new CpuUse(
                    Duration.ofSeconds(poll.get()),
                    Duration.ofMillis(100L * poll.get()),
                    new ThreadCpu(Map.of(7L, new ThreadCpu.Use(ThreadCpu.WORKER, poll.get())))));
    DrainSink sink = new DrainSink("d", 100, meter);
    for (int seq = 0; seq < 100; seq++) {
      poll.set(seq / 10);
      sink.accept("d-" + seq, true, 1_000 * MS + (seq / 10) * 100 * MS);
    }

    // when
    DrainResult result = sink.result(0, 0);

    // then between poll 0 (10%) and poll 8 (90%): 8 s + 0.8 s for 80 jobs, in 800 ms
    assertThat(result.steadyCpu())
        .contains(
            new CpuUse(
                Duration.ofSeconds(8),
                Duration.ofMillis(800),
                new ThreadCpu(Map.of(7L, new ThreadCpu.Use(ThreadCpu.WORKER, 8)))));
    assertThat(result.steadyCpuMicrosPerJob()).isCloseTo(110_000.0, within(1e-6));
    assertThat(result.steadyCoresBusy()).isCloseTo(11.0, within(1e-9));
  }

  @Test
  void hasNoSteadyCpuWithoutAMeter() {
    DrainSink sink = new DrainSink("d", 100);
    for (int seq = 0; seq < 100; seq++) {
      sink.accept("d-" + seq, true, 1_000 * MS + (seq / 10) * 100 * MS);
    }

    assertThat(sink.result(0, 0).steadyCpu()).isEmpty();
    assertThat(sink.result(0, 0).steadyCpuMicrosPerJob()).isNaN();
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

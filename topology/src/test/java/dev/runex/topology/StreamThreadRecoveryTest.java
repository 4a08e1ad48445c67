package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadRecoveryTest {
  private final TestClock clock = new TestClock();
  private final StreamThreadRecovery recovery =
      new StreamThreadRecovery(2, Duration.ofMinutes(1), clock);
  private final StreamsException transientFailure = new StreamsException("registry unreachable");

  @Test
  void replacesTheThreadForTransientFailures() {
    assertThat(recovery.handle(transientFailure))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(recovery.handle(transientFailure))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }

  @Test
  void shutsTheClientDownWhenFailuresExceedTheBudgetWithinTheWindow() {
    // given
    recovery.handle(transientFailure);
    clock.advance(Duration.ofSeconds(30));
    recovery.handle(transientFailure);

    // then
    assertThat(recovery.handle(transientFailure))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  @Test
  void forgetsFailuresOlderThanTheWindow() {
    // given
    recovery.handle(transientFailure);
    recovery.handle(transientFailure);

    // when
    clock.advance(Duration.ofMinutes(2));

    // then
    assertThat(recovery.handle(transientFailure))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }

  @Test
  void shutsTheClientDownOnJvmErrors() {
    assertThat(recovery.handle(new StreamsException(new OutOfMemoryError("heap"))))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }

  /** A clock tests move by hand. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-03-01T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}

package dev.runex.workers.internal.deadletter;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.attempt;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.Job;
import dev.runex.workers.internal.execution.Failure;
import dev.runex.workers.internal.execution.FailureClassifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterFactoryTest {
  private static final SourceCoordinates SOURCE =
      new SourceCoordinates("runex.scheduled.default", 3, 1234);
  private static final Instant NOW = T0.plusSeconds(90);

  @Test
  void carriesReasonCoordinatesAttemptsTimesAndTheJob() {
    Job job = attempt(job("j1", "fail", Map.of("times", 5L)), 3);
    Failure failure = FailureClassifier.classify(new IllegalStateException("downstream said no"));

    DeadLetter letter = DeadLetterFactory.forJob(job, failure, SOURCE, T0.plusSeconds(10), NOW);

    assertThat(letter.getJobId()).isEqualTo("j1");
    assertThat(letter.getStage()).isEqualTo("execution");
    assertThat(letter.getReason().getCode()).isEqualTo("HANDLER_ERROR");
    assertThat(letter.getReason().getMessage()).isEqualTo("downstream said no");
    assertThat(letter.getReason().getExceptionClass())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(letter.getReason().getRetryable()).isTrue();
    assertThat(letter.getStacktrace())
        .startsWith("java.lang.IllegalStateException: downstream said no")
        .contains("\tat ");
    assertThat(letter.getSourceTopic()).isEqualTo("runex.scheduled.default");
    assertThat(letter.getSourcePartition()).isEqualTo(3);
    assertThat(letter.getSourceOffset()).isEqualTo(1234);
    assertThat(letter.getAttempts()).isEqualTo(3);
    assertThat(letter.getFirstFailureAt()).isEqualTo(T0.plusSeconds(10));
    assertThat(letter.getLastFailureAt()).isEqualTo(NOW);
    assertThat(letter.getJob()).isEqualTo(job);
  }

  @Test
  void timeoutHasNoStacktrace() {
    DeadLetter letter =
        DeadLetterFactory.forJob(
            job("j1", "sleep", Map.of()),
            FailureClassifier.timeout(java.time.Duration.ofSeconds(1)),
            SOURCE,
            NOW,
            NOW);

    assertThat(letter.getReason().getCode()).isEqualTo("TIMEOUT");
    assertThat(letter.getStacktrace()).isNull();
  }

  @Test
  void boundsTheStacktrace() {
    RuntimeException deep = new RuntimeException("x".repeat(100_000));

    DeadLetter letter =
        DeadLetterFactory.forJob(
            job("j1", "t", Map.of()), FailureClassifier.classify(deep), SOURCE, NOW, NOW);

    assertThat(letter.getStacktrace())
        .hasSize(DeadLetterFactory.MAX_STACKTRACE_CHARS)
        .endsWith("(truncated)");
  }

  @Test
  void undecodableRecordKeepsItsBytes() {
    byte[] value = "not avro".getBytes(StandardCharsets.UTF_8);

    DeadLetter letter =
        DeadLetterFactory.forUndecodable(
            SOURCE, value, new IllegalArgumentException("bad magic"), NOW);

    assertThat(letter.getJobId()).isNull();
    assertThat(letter.getReason().getCode()).isEqualTo("UNDECODABLE");
    assertThat(letter.getReason().getRetryable()).isFalse();
    assertThat(letter.getOriginalValue().array()).isEqualTo(value);
    assertThat(letter.getSourceOffset()).isEqualTo(1234);
    assertThat(letter.getAttempts()).isZero();
  }
}

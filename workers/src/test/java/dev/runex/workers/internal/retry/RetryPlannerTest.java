package dev.runex.workers.internal.retry;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.attempt;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RetryPolicy;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.execution.Failure;
import dev.runex.workers.internal.execution.FailureClassifier;
import dev.runex.workers.internal.retry.RetryDecision.GiveUp;
import dev.runex.workers.internal.retry.RetryDecision.Retry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPlannerTest {
  private static final RetryPolicy POLICY =
      new RetryPolicy(3, 10, Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));
  private static final Instant NOW = T0.plusSeconds(60);
  private final Failure boom = FailureClassifier.classify(new IOException("boom"));

  @Test
  void retryableFailureWithAttemptsLeftSchedulesTheNextAttempt() {
    Job job = job("j1", "fail", Map.of());

    RetryDecision decision = RetryPlanner.plan(job, boom, POLICY, NOW);

    assertThat(decision)
        .isInstanceOfSatisfying(
            Retry.class,
            r -> {
              Job next = r.nextAttempt();
              assertThat(next.getAttempt()).isEqualTo(2);
              assertThat(next.getId()).isEqualTo("j1");
              assertThat(next.getDueAt()).isEqualTo(NOW.plus(r.backoff()));
              assertThat(next.getFirstFailureAt()).isEqualTo(NOW);
              assertThat(next.getLastError().getCode()).isEqualTo("HANDLER_ERROR");
              assertThat(next.getLastError().getMessage()).isEqualTo("boom");
            });
  }

  @Test
  void keepsTheFirstFailureTimeAcrossRetries() {
    Job second =
        Job.newBuilder(attempt(job("j1", "fail", Map.of()), 2)).setFirstFailureAt(T0).build();

    Retry retry = (Retry) RetryPlanner.plan(second, boom, POLICY, NOW);

    assertThat(retry.nextAttempt().getAttempt()).isEqualTo(3);
    assertThat(retry.nextAttempt().getFirstFailureAt()).isEqualTo(T0);
  }

  @Test
  void backoffGrowsExponentiallyWithinThePolicysJitterAndCap() {
    for (int failed = 1; failed <= 9; failed++) {
      Job job =
          Job.newBuilder(attempt(job("j1", "fail", Map.of()), failed)).setMaxAttempts(10).build();
      double base = 500 * Math.pow(2.0, failed - 1);
      long low = (long) Math.min(base * 0.5, 30_000);
      long high = (long) Math.min(base * 1.5, 30_000);

      for (int sample = 0; sample < 50; sample++) {
        Retry retry = (Retry) RetryPlanner.plan(job, boom, POLICY, NOW);
        assertThat(retry.backoff().toMillis())
            .as("after attempt %d", failed)
            .isBetween(low - 1, high + 1);
      }
    }
  }

  @Test
  void givesUpAsFailedWhenAttemptsAreExhausted() {
    Job last = attempt(job("j1", "fail", Map.of()), 3);

    RetryDecision decision = RetryPlanner.plan(last, boom, POLICY, NOW);

    assertThat(decision)
        .isInstanceOfSatisfying(
            GiveUp.class,
            g -> {
              assertThat(g.status()).isEqualTo(JobStatus.FAILED);
              assertThat(g.error().getCode()).isEqualTo("HANDLER_ERROR");
              assertThat(g.firstFailureAt()).isEqualTo(NOW);
            });
  }

  @Test
  void timeoutOnTheLastAttemptGivesUpAsTimedOut() {
    Job last = attempt(job("j1", "sleep", Map.of()), 3);

    GiveUp giveUp =
        (GiveUp)
            RetryPlanner.plan(last, FailureClassifier.timeout(Duration.ofSeconds(1)), POLICY, NOW);

    assertThat(giveUp.status()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(giveUp.error().getCode()).isEqualTo("TIMEOUT");
  }

  @Test
  void timeoutWithAttemptsLeftIsRetried() {
    Job first = job("j1", "sleep", Map.of());

    assertThat(
            RetryPlanner.plan(first, FailureClassifier.timeout(Duration.ofSeconds(1)), POLICY, NOW))
        .isInstanceOf(Retry.class);
  }

  @Test
  void permanentFailureGivesUpOnTheFirstAttempt() {
    Failure permanent = FailureClassifier.classify(new PermanentJobException("nope"));

    assertThat(RetryPlanner.plan(job("j1", "fail", Map.of()), permanent, POLICY, NOW))
        .isInstanceOf(GiveUp.class);
  }

  @Test
  void unknownTypeWithoutPolicyGivesUp() {
    GiveUp giveUp = (GiveUp) RetryPlanner.plan(job("j1", "nope", Map.of()), boom, null, NOW);

    assertThat(giveUp.status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void aRetryAfterLaterThanTheBackoffDecidesTheNextDueTime() {
    Failure throttled =
        FailureClassifier.classify(
            new RetryableJobException("HTTP_503", "busy", null, NOW.plusSeconds(3600)));

    RetryDecision d = RetryPlanner.plan(job("j1", "t", Map.of()), throttled, POLICY, NOW);

    assertThat(((RetryDecision.Retry) d).nextAttempt().getDueAt()).isEqualTo(NOW.plusSeconds(3600));
  }

  @Test
  void aRetryAfterSoonerThanTheBackoffDoesNotShortenIt() {
    Failure soon =
        FailureClassifier.classify(
            new RetryableJobException("HTTP_503", "busy", null, NOW.plusMillis(1)));

    RetryDecision d = RetryPlanner.plan(job("j1", "t", Map.of()), soon, POLICY, NOW);

    assertThat(((RetryDecision.Retry) d).backoff()).isGreaterThan(Duration.ofMillis(1));
  }
}

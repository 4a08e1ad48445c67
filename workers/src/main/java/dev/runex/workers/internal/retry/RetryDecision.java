package dev.runex.workers.internal.retry;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobStatus;
import java.time.Duration;
import java.time.Instant;

/** What follows a failed attempt. */
public sealed interface RetryDecision {

  /** Run again: {@code nextAttempt} goes to the retry topic, due after {@code backoff}. */
  record Retry(Job nextAttempt, Duration backoff) implements RetryDecision {}

  /**
   * Stop: a terminal result with {@code status} (FAILED or TIMED_OUT) and a dead letter.
   *
   * @param firstFailureAt when the job first failed (this attempt, if it never failed before)
   */
  record GiveUp(JobStatus status, ErrorInfo error, Instant firstFailureAt)
      implements RetryDecision {}
}

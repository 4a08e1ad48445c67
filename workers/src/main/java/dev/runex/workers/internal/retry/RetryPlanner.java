package dev.runex.workers.internal.retry;

import dev.runex.config.RetryPolicy;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.internal.execution.Failure;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides, purely, what a failed attempt leads to. A retryable failure with attempts left ({@code
 * job.attempt < job.maxAttempts}) becomes a copy of the job with the next attempt number, due after
 * the job type's back-off ({@link RetryPolicy#backoffAfter}: exponential with jitter), its first
 * failure time and last error set. Anything else gives up: TIMED_OUT when the last attempt timed
 * out, FAILED otherwise. Without a policy (the job type is unknown) it always gives up. A failure
 * that says when the next attempt may start at the earliest (an HTTP {@code Retry-After}) gets the
 * later of that and the back-off.
 */
public final class RetryPlanner {
  private RetryPlanner() {}

  public static RetryDecision plan(Job job, Failure failure, RetryPolicy policy, Instant now) {
    ErrorInfo error = failure.toErrorInfo();
    Instant firstFailureAt = job.getFirstFailureAt() != null ? job.getFirstFailureAt() : now;
    if (policy == null || !failure.retryable() || job.getAttempt() >= job.getMaxAttempts()) {
      JobStatus status = failure.timedOut() ? JobStatus.TIMED_OUT : JobStatus.FAILED;
      return new RetryDecision.GiveUp(status, error, firstFailureAt);
    }
    Duration backoff = policy.backoffAfter(job.getAttempt());
    if (failure.retryNotBefore() != null && failure.retryNotBefore().isAfter(now.plus(backoff))) {
      backoff = Duration.between(now, failure.retryNotBefore());
    }
    Job next =
        Job.newBuilder(job)
            .setAttempt(job.getAttempt() + 1)
            .setDueAt(now.plus(backoff))
            .setFirstFailureAt(firstFailureAt)
            .setLastError(error)
            .build();
    return new RetryDecision.Retry(next, backoff);
  }
}

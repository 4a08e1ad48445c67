package dev.runex.schemas.lifecycle;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ReasonCode;
import java.time.Duration;
import java.time.Instant;

/**
 * When an attempt must have started, and what a job that missed it becomes. Pure, shared by the
 * stages that check it: the delay index (on arrival and release) and the worker (just before it
 * would start the attempt).
 *
 * <p>An attempt's deadline is the earlier of the request's {@code expiresAt} (absolute, for every
 * attempt) and its due time plus the job type's {@code maxQueueTime} (per attempt, so a retry's
 * back-off does not count as queueing). An attempt that has not started when the deadline passes —
 * or that cannot, being due after it — ends the job as {@link JobStatus#EXPIRED}.
 */
public final class Deadlines {
  private Deadlines() {}

  /**
   * The deadline of this attempt, or null when it has none. {@code maxQueueTime} is the job type's
   * (null when it sets none, or the type is unknown).
   */
  public static Instant startBy(Job job, Duration maxQueueTime) {
    Instant absolute = job.getExpiresAt();
    Instant queued = maxQueueTime == null ? null : job.getDueAt().plus(maxQueueTime);
    if (absolute == null || queued == null) {
      return absolute == null ? queued : absolute;
    }
    return absolute.isBefore(queued) ? absolute : queued;
  }

  /**
   * True when the attempt may no longer start: its deadline has passed, or it falls before its due
   * time.
   */
  public static boolean expired(Job job, Duration maxQueueTime, Instant now) {
    Instant deadline = startBy(job, maxQueueTime);
    return deadline != null && (now.isAfter(deadline) || job.getDueAt().isAfter(deadline));
  }

  /** The one result of a job that expired; attempts counts the attempts that did run. */
  public static JobResult result(Job job, Duration maxQueueTime, long now, String instanceId) {
    JobResult result =
        Lifecycle.result(
            job, JobStatus.EXPIRED, null, error(job, maxQueueTime), null, now, instanceId);
    result.setAttempts(job.getAttempt() - 1);
    return result;
  }

  /** The detail of the EXPIRED event. */
  public static String detail(Job job, Duration maxQueueTime) {
    return "attempt "
        + job.getAttempt()
        + " not started by its deadline "
        + startBy(job, maxQueueTime);
  }

  private static ErrorInfo error(Job job, Duration maxQueueTime) {
    String message =
        detail(job, maxQueueTime)
            + (job.getLastError() == null
                ? ""
                : "; the previous attempt failed with "
                    + job.getLastError().getCode()
                    + ": "
                    + job.getLastError().getMessage());
    return Lifecycle.error(ReasonCode.EXPIRED.code(), message, null, false);
  }
}

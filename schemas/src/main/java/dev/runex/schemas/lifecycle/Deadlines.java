package dev.runex.schemas.lifecycle;

import dev.runex.config.JobTypeSpec;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
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
  /** The error code of an EXPIRED result. */
  public static final String EXPIRED = "EXPIRED";

  private Deadlines() {}

  /** The deadline of this attempt, or null when it has none. {@code type} may be null (unknown type). */
  public static Instant startBy(Job job, JobTypeSpec type) {
    Instant absolute = job.getExpiresAt();
    Instant queued = type == null || type.maxQueueTime() == null ? null : job.getDueAt().plus(type.maxQueueTime());
    if (absolute == null || queued == null) {
      return absolute == null ? queued : absolute;
    }
    return absolute.isBefore(queued) ? absolute : queued;
  }

  /** True when the attempt may no longer start: its deadline has passed, or it falls before its due time. */
  public static boolean expired(Job job, JobTypeSpec type, Instant now) {
    Instant deadline = startBy(job, type);
    return deadline != null && (now.isAfter(deadline) || job.getDueAt().isAfter(deadline));
  }

  /** The one result of a job that expired; attempts counts the attempts that did run. */
  public static JobResult result(Job job, JobTypeSpec type, long now, String instanceId) {
    JobResult result = Lifecycle.result(job, JobStatus.EXPIRED, null, error(job, type), null, now, instanceId);
    result.setAttempts(job.getAttempt() - 1);
    return result;
  }

  /** The detail of the EXPIRED event. */
  public static String detail(Job job, JobTypeSpec type) {
    return "attempt " + job.getAttempt() + " not started by its deadline " + startBy(job, type);
  }

  private static ErrorInfo error(Job job, JobTypeSpec type) {
    String message = detail(job, type)
        + (job.getLastError() == null ? "" : "; the previous attempt failed with " + job.getLastError().getCode()
            + ": " + job.getLastError().getMessage());
    return Lifecycle.error(EXPIRED, message, null, false);
  }
}

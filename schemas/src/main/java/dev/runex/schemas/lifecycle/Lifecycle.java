package dev.runex.schemas.lifecycle;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.time.Instant;

/** Builders for lifecycle events and results, shared by every stage so they all look alike. */
public final class Lifecycle {
  /** Stage names used in {@link JobEvent#getStage()}. */
  public static final String INTAKE = "intake";

  public static final String VALIDATION = "validation";
  public static final String QUEUEING = "queueing";
  public static final String SCHEDULING = "scheduling";
  public static final String EXECUTION = "execution";
  public static final String OUTPUT = "output";

  private Lifecycle() {}

  /**
   * An event of a job: its id, tenant, type, attempt, due time and priority (null stays null:
   * NORMAL, see {@code PriorityNames}), and its labels on RECEIVED.
   */
  public static JobEvent event(
      Job job, JobEventKind kind, String stage, String instanceId, String detail, long now) {
    JobEvent e =
        event(job.getId(), job.getTenant(), job.getType(), kind, stage, instanceId, detail, now);
    e.setAttempt(job.getAttempt());
    e.setDueAt(job.getDueAt());
    e.setPriority(job.getPriority());
    if (kind == JobEventKind.RECEIVED && !job.getLabels().isEmpty()) {
      // once per job: the status store keeps them so jobs can be listed by label
      e.setLabels(job.getLabels());
    }
    return e;
  }

  public static JobEvent event(
      String jobId,
      String tenant,
      String type,
      JobEventKind kind,
      String stage,
      String instanceId,
      String detail,
      long now) {
    // no builder: events are built for every transition, and the builder's validation and
    // default copying cost more than the event itself (fields added later default to null)
    JobEvent e = new JobEvent();
    e.setJobId(jobId);
    e.setTenant(tenant);
    e.setType(type);
    e.setAttempt(0);
    e.setTime(Instant.ofEpochMilli(now));
    e.setKind(kind);
    e.setStage(stage);
    e.setWorkerId(instanceId);
    e.setDetail(detail);
    return e;
  }

  /** A terminal result for a job that ran (or was stopped) at least once. */
  public static JobResult result(
      Job job,
      JobStatus status,
      String output,
      ErrorInfo error,
      Long startedAt,
      long finishedAt,
      String workerId) {
    return JobResult.newBuilder()
        .setId(job.getId())
        .setType(job.getType())
        .setTenant(job.getTenant())
        .setStatus(status)
        .setOutput(output)
        .setError(error)
        .setAttempts(job.getAttempt())
        .setSubmittedAt(job.getSubmittedAt())
        .setStartedAt(startedAt == null ? null : Instant.ofEpochMilli(startedAt))
        .setFinishedAt(Instant.ofEpochMilli(finishedAt))
        .setWorkerId(workerId)
        .setLabels(job.getLabels())
        .build();
  }

  public static ErrorInfo error(String code, String message, Throwable cause, boolean retryable) {
    return ErrorInfo.newBuilder()
        .setCode(code)
        .setMessage(message == null ? "" : message)
        .setExceptionClass(cause == null ? null : cause.getClass().getName())
        .setRetryable(retryable)
        .build();
  }
}

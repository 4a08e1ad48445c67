package dev.runex.schemas.lifecycle;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.JobTransition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builders for lifecycle events and results, shared by every stage so they all look alike; and the
 * two halves of the lifecycle record's layout: {@link #merge} packs the transitions a stage commits
 * together into one {@link JobEvent}, {@link #transitions} unpacks a record into them again, so
 * every reader sees the transitions one by one, in order, whatever record carried them.
 */
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
    e.setEarlier(List.of());
    e.setLater(List.of());
    return e;
  }

  /**
   * The transitions {@code record} carries, oldest first, each as a record of one transition: its
   * {@code earlier} ones, its own, its {@code later} ones. The job fields (tenant, type, due time,
   * priority) are the record's; labels go with the RECEIVED transition, as on a record of its own.
   * A record of one transition is returned as it is.
   */
  public static List<JobEvent> transitions(JobEvent record) {
    List<JobTransition> earlier = record.getEarlier();
    List<JobTransition> later = record.getLater();
    boolean none = (earlier == null || earlier.isEmpty()) && (later == null || later.isEmpty());
    if (none) {
      return List.of(record);
    }
    List<JobEvent> all = new ArrayList<>(size(earlier) + 1 + size(later));
    if (earlier != null) {
      earlier.forEach(t -> all.add(single(record, t)));
    }
    all.add(single(record, own(record)));
    if (later != null) {
      later.forEach(t -> all.add(single(record, t)));
    }
    return all;
  }

  /**
   * One record for {@code events}, transitions of one job committed together, oldest first. Its own
   * fields are the last transition that decides the job's state (every kind but DEAD_LETTERED), so
   * that a reader that does not know {@code earlier} and {@code later} still sees that state; the
   * others go to {@code earlier} and {@code later}. Job fields come from that transition's event,
   * labels from whichever event has them.
   */
  public static JobEvent merge(List<JobEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("no transitions to merge");
    }
    if (events.size() == 1) {
      return events.get(0);
    }
    int own = events.size() - 1;
    while (own > 0 && events.get(own).getKind() == JobEventKind.DEAD_LETTERED) {
      own--;
    }
    JobEvent head = events.get(own);
    JobEvent merged =
        event(
            head.getJobId(),
            head.getTenant(),
            head.getType(),
            head.getKind(),
            head.getStage(),
            head.getWorkerId(),
            head.getDetail(),
            head.getTime().toEpochMilli());
    merged.setAttempt(head.getAttempt());
    merged.setDueAt(head.getDueAt());
    merged.setPriority(head.getPriority());
    List<JobTransition> earlier = new ArrayList<>(own);
    List<JobTransition> later = new ArrayList<>(events.size() - own - 1);
    for (int i = 0; i < events.size(); i++) {
      JobEvent e = events.get(i);
      if (!e.getJobId().equals(head.getJobId())) {
        throw new IllegalArgumentException(
            "transitions of jobs " + head.getJobId() + " and " + e.getJobId() + " in one record");
      }
      if (e.getLabels() != null && merged.getLabels() == null) {
        merged.setLabels(e.getLabels());
      }
      if (i < own) {
        earlier.add(own(e));
      } else if (i > own) {
        later.add(own(e));
      }
    }
    merged.setEarlier(earlier);
    merged.setLater(later);
    return merged;
  }

  /** The record's own transition (its {@code earlier} and {@code later} left out). */
  public static JobTransition own(JobEvent e) {
    return new JobTransition(
        e.getKind(), e.getTime(), e.getAttempt(), e.getStage(), e.getWorkerId(), e.getDetail());
  }

  private static JobEvent single(JobEvent record, JobTransition t) {
    JobEvent e =
        event(
            record.getJobId(),
            record.getTenant(),
            record.getType(),
            t.getKind(),
            t.getStage(),
            t.getWorkerId(),
            t.getDetail(),
            t.getTime().toEpochMilli());
    e.setAttempt(t.getAttempt());
    e.setDueAt(record.getDueAt());
    e.setPriority(record.getPriority());
    if (t.getKind() == JobEventKind.RECEIVED) {
      e.setLabels(record.getLabels());
    }
    return e;
  }

  private static int size(List<?> l) {
    return l == null ? 0 : l.size();
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

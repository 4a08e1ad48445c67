package dev.runex.topology.cron;

import dev.runex.config.ScheduleSpec;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.feedback.FeedbackRecords;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Schedules as records: a config declaration as a {@code Schedule}, and a firing as a {@code
 * JobRequest}.
 */
public final class ScheduledJobs {
  /** Label naming the schedule that fired a job; its finished run is reported back by it. */
  public static final String SCHEDULE_LABEL = FeedbackRecords.SCHEDULE_LABEL;

  /** Label with the firing's nominal time (ISO-8601). */
  public static final String FIRE_TIME_LABEL = FeedbackRecords.FIRE_TIME_LABEL;

  public static final String ORIGIN_CONFIG = "config";

  private ScheduledJobs() {}

  /**
   * The intake request of one firing: the schedule's job template with the deterministic id {@code
   * <name>@<fire time>}, the same idempotency key (so even a firing written twice runs once), the
   * schedule labels, no expiry time of its own, and no start time but {@code notBefore}: its fire
   * time for a firing submitted ahead of it, null for one submitted when due.
   */
  public static JobRequest request(Schedule schedule, Instant fireAt, Instant notBefore) {
    String id = ScheduleClock.jobId(schedule.getName(), fireAt);
    Map<String, String> labels = new HashMap<>(schedule.getJob().getLabels());
    labels.put(SCHEDULE_LABEL, schedule.getName());
    labels.put(FIRE_TIME_LABEL, fireAt.toString());
    return JobRequest.newBuilder(schedule.getJob())
        .setId(id)
        .setIdempotencyKey(id)
        .setNotBefore(notBefore)
        .setDelayMs(null)
        .setExpiresAt(null)
        .setLabels(labels)
        .build();
  }

  /** A schedule declared under {@code runex.schedules}, as the schedules topic holds it. */
  public static Schedule fromConfig(ScheduleSpec spec) {
    ScheduleSpec.Job job = spec.job();
    JobRequest template =
        JobRequest.newBuilder()
            .setType(job.type())
            .setTenant(job.tenant())
            .setParams(new HashMap<>(job.params()))
            .setLabels(new HashMap<>(job.labels()))
            .setTimeoutMs(job.timeout() == null ? null : job.timeout().toMillis())
            .setMaxAttempts(job.maxAttempts())
            .setPartitionKey(job.partitionKey())
            .build();
    return Schedule.newBuilder()
        .setName(spec.name())
        .setCron(spec.cron().toString())
        .setZone(spec.zone().getId())
        .setJob(template)
        .setOverlap(spec.overlap())
        .setCatchUp(spec.catchUp())
        .setOrigin(ORIGIN_CONFIG)
        .build();
  }
}

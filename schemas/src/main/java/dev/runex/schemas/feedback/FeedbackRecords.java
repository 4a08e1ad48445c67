package dev.runex.schemas.feedback;

import dev.runex.schemas.Feedback;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.QuotaRelease;
import dev.runex.schemas.ScheduledRunFinished;
import java.time.Instant;
import java.util.Map;

/**
 * The {@code feedback} records that are not quota releases ({@code ReleaseNotice} builds those),
 * and the key every kind is written with. One topic carries every kind, so each record is keyed for
 * its own consumer: the tenant for a {@link QuotaRelease} (the quota gate's tasks own tenants), the
 * schedule name for a {@link ScheduledRunFinished} (the firing stage's tasks own schedules). The
 * topology reads the topic once and routes by kind; no repartition is needed because the topic has
 * the same partition count as the other inputs of those tasks.
 */
public final class FeedbackRecords {
  /** Label naming the schedule that fired a job; its final result is reported back by it. */
  public static final String SCHEDULE_LABEL = "runex.schedule";

  /** Label with the nominal time (ISO-8601) of the firing that made a job. */
  public static final String FIRE_TIME_LABEL = "runex.scheduledFor";

  private FeedbackRecords() {}

  /** The schedule that fired a job with these labels, or null when none did. */
  public static String scheduleOf(Map<String, String> labels) {
    return labels == null ? null : labels.get(SCHEDULE_LABEL);
  }

  /**
   * The feedback that {@code result} (a job's final result) finishes a scheduled run, or null when
   * no schedule fired the job.
   */
  public static Feedback runFinished(JobResult result, long time) {
    String schedule = scheduleOf(result.getLabels());
    if (schedule == null) {
      return null;
    }
    return Feedback.newBuilder()
        .setJobId(result.getId())
        .setTime(Instant.ofEpochMilli(time))
        .setBody(
            ScheduledRunFinished.newBuilder()
                .setSchedule(schedule)
                .setStatus(result.getStatus())
                .build())
        .build();
  }

  /** The key {@code feedback} is written with: the partition key of the stage that reads it. */
  public static String key(Feedback feedback) {
    Object body = feedback.getBody();
    if (body instanceof QuotaRelease r) {
      return r.getTenant();
    }
    if (body instanceof ScheduledRunFinished f) {
      return f.getSchedule();
    }
    throw new IllegalArgumentException("unknown feedback kind: " + body);
  }
}

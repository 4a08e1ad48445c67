package dev.runex.config;

import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * A recurring schedule declared by operators under {@code runex.schedules.<name>} (runtime ones are
 * written to the schedules topic instead).
 *
 * @param name the schedule's name; its jobs' ids are {@code <name>@<fire time>}
 * @param cron when it fires, read in {@code zone}
 * @param zone the time zone of the cron fields
 * @param job what each firing submits
 * @param overlap what a firing does while the previous firing's job has no result yet
 * @param catchUp which firings missed while the topology was down still fire
 */
public record ScheduleSpec(
    String name,
    CronExpression cron,
    ZoneId zone,
    Job job,
    ScheduleOverlap overlap,
    ScheduleCatchUp catchUp) {

  /**
   * The job template of a schedule: the request fields that make sense for every firing.
   *
   * @param params parameter values: null, Boolean, Long, Double or String (JSON text for objects)
   * @param timeout per-attempt timeout, or null for the type's default
   * @param maxAttempts attempts, or null for the type's default
   * @param partitionKey ordering key, or null (each firing its own)
   */
  public record Job(
      String type,
      String tenant,
      Map<String, Object> params,
      Map<String, String> labels,
      Duration timeout,
      Integer maxAttempts,
      String partitionKey) {
    public Job {
      params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
      labels = Map.copyOf(labels);
    }
  }
}

package dev.runex.topology.cron;

import dev.runex.schemas.Schedule;

/**
 * What the firing stage receives, keyed by schedule name: a definition (or its removal) or a
 * finished job.
 */
public sealed interface ScheduleInput {

  /** A new or changed schedule; {@code schedule} null: the schedule was deleted (a tombstone). */
  record Definition(Schedule schedule) implements ScheduleInput {}

  /** A job this schedule fired has its result. */
  record Completed(String jobId) implements ScheduleInput {}
}

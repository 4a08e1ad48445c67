/**
 * Cleanup stage of the topology: what runex deletes after a job, and when. Each sweep runs from the
 * wall-clock punctuator of the processor that owns the state (so it commits in that processor's
 * exactly-once transaction) and deletes a bounded batch per run; the status and idempotency sweeps
 * run again every second while a run finds a full batch due ({@link
 * dev.runex.topology.cleanup.SweepSchedule}), so they keep up with any sustained rate.
 *
 * <ul>
 *   <li>{@link dev.runex.topology.cleanup.StatusRetention}: a finished job's status ({@code
 *       job-status} and the tenant index) once {@code runex.topology.statusRetention} has passed
 *       since it finished; swept every minute by the status stage. Unfinished jobs stay.
 *   <li>{@link dev.runex.topology.cleanup.IdempotencyWindow}: an idempotency key ({@code
 *       intake-dedupe}) once {@code runex.intake.idempotencyWindow} has passed since it was first
 *       seen; swept every 30 seconds by the dedupe stage.
 *   <li>{@link dev.runex.topology.cleanup.CancelRetention}: job cancels older than {@code
 *       runex.control.cancelRetention}, as tombstones on the compacted {@code control} topic; swept
 *       every half retention (at least hourly) by the delay-index task of partition 0.
 *   <li>{@link dev.runex.topology.cleanup.ExpiryIndex}: the time-ordered index the first two sweep
 *       by, so a sweep reads what is due instead of the whole store.
 * </ul>
 *
 * <p>Deletions in the stores above reach their changelogs as tombstones, so a restored store is as
 * clean as the one it replaces. Elsewhere, cleanup is part of a stage's own work: the delay index
 * and the quota gate delete a job's entry when they release it, and a schedule removed from the
 * config is deleted from {@code schedules} (a tombstone) when the topology starts ({@code
 * cron.ConfigSchedules}). Workers clean up after each attempt themselves: its working directory and
 * its process tree ({@code dev.runex.workers.internal.cleanup}).
 */
package dev.runex.topology.cleanup;

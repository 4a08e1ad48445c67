/**
 * Cleanup stage of the worker: what it removes after each attempt, whatever the attempt's outcome.
 *
 * <ul>
 *   <li>{@link dev.runex.workers.internal.cleanup.AttemptDirectory}: a process attempt's working
 *       directory (and GNU time's report beside it), deleted with everything the job left in it as
 *       soon as its processes are gone;
 *   <li>{@link dev.runex.workers.internal.cleanup.ProcessTree}: a process attempt's processes,
 *       ended at its deadline or cancel (SIGTERM, {@code runex.worker.killGrace}, SIGKILL) and
 *       killed after every run, so no process outlives its job.
 * </ul>
 *
 * <p>Both run on the attempt's handler thread, inside the process executor's run, before its
 * outcome is reported. What else an attempt holds is given back where it is taken: its memory
 * reservation and worker slot when its handler thread is free ({@code JobRunner}), its quota slot
 * through the release notice written with its result ({@code OutcomeRecords}). Retention of state
 * (job status, idempotency keys, old cancels) is the topology's: {@code
 * dev.runex.topology.cleanup}.
 */
package dev.runex.workers.internal.cleanup;

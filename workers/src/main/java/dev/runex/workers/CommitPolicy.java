package dev.runex.workers;

import java.time.Duration;

/**
 * When the worker commits its transaction (finished jobs' results and events with the consumed
 * offsets, always together).
 *
 * <ul>
 *   <li>Every {@code interval} at the latest, whatever is pending: under load the worker always has
 *       records to work on, and one commit per interval batches many jobs' outputs.
 *   <li>Earlier, as soon as {@code minGap} has passed since the last commit, when outputs are
 *       pending and the worker has nothing at hand to add to them: its last poll found no new
 *       records, none is waiting to start and no finished job's outcome waits to be handled. Then
 *       waiting for the interval would hold finished results back for nothing; the gap keeps a
 *       trickle of jobs from turning into a commit per job.
 * </ul>
 *
 * @param interval the longest time outputs wait for their commit
 * @param minGap the shortest time between two commits made early (at most {@code interval})
 */
record CommitPolicy(Duration interval, Duration minGap) {

  /** What the loop knows about its work when it asks whether to commit. */
  record Work(boolean outputsPending, boolean idle) {}

  CommitPolicy {
    if (interval.isNegative() || minGap.isNegative()) {
      throw new IllegalArgumentException("commit interval and gap must not be negative");
    }
    if (minGap.compareTo(interval) > 0) {
      minGap = interval;
    }
  }

  /** Whether to commit {@code sinceLast} after the last commit. */
  boolean due(Duration sinceLast, Work work) {
    return untilDue(sinceLast, work).isZero();
  }

  /** How long until a commit is due if nothing changes (zero: now). */
  Duration untilDue(Duration sinceLast, Work work) {
    Duration wait = work.outputsPending() && work.idle() ? minGap : interval;
    Duration left = wait.minus(sinceLast);
    return left.isNegative() ? Duration.ZERO : left;
  }
}

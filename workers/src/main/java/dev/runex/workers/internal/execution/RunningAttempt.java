package dev.runex.workers.internal.execution;

/** A started attempt, as the poll loop holds it. */
public interface RunningAttempt {

  AttemptContext context();

  /**
   * The worker gives up on the attempt (shutdown drain expired, partition revoked or lost,
   * transaction aborted): it is cancelled and interrupted, and whatever it reports is discarded by
   * the caller. The job reruns from the uncommitted offset.
   */
  void abandon();

  /**
   * An operator cancelled the job: the attempt is cancelled ({@link AttemptContext#isCancelled()})
   * and its thread interrupted (a process executor then ends the process tree). Unlike {@link
   * #abandon()}, its outcome is still reported and handled — as the job's CANCELLED result.
   */
  void cancel();
}

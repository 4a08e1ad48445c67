package dev.runex.workers.execution;

/** A started attempt, as the poll loop holds it. */
public interface RunningAttempt {

  JobContext context();

  /**
   * The worker gives up on the attempt (shutdown drain expired, partition revoked or lost,
   * transaction aborted): it is cancelled and interrupted, and whatever it reports is discarded by
   * the caller. The job reruns from the uncommitted offset.
   */
  void abandon();
}

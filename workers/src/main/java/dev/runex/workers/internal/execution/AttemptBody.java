package dev.runex.workers.internal.execution;

import dev.runex.workers.handler.JobHandler;

/**
 * What runs one attempt, given the runtime's view of it: a java type's {@link JobHandler} (through
 * {@link #of(JobHandler)}, which shows it only the {@code JobContext}), or a built-in executor
 * (process, http) that also records what the attempt used.
 */
@FunctionalInterface
public interface AttemptBody {
  /**
   * Runs the attempt.
   *
   * @return the job's output text (may be null)
   */
  String run(AttemptContext ctx) throws Exception;

  /** Runs {@code handler}, which sees the attempt only as a {@code JobContext}. */
  static AttemptBody of(JobHandler handler) {
    return handler::handle;
  }
}

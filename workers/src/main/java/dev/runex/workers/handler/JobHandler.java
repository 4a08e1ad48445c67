package dev.runex.workers.handler;

/**
 * The Java executor's plug-in point: one implementation per handler name, discovered through {@link
 * java.util.ServiceLoader} (a {@code META-INF/services/dev.runex.workers.handler.JobHandler} file)
 * or registered on the {@link dev.runex.workers.HandlerRegistry} an application gives its {@link
 * dev.runex.workers.JobWorker}. A job type names its handler in {@code
 * runex.jobTypes.<type>.handler} (default: the type name). See the package documentation for an
 * example.
 *
 * <p>Contract for authors:
 *
 * <ul>
 *   <li>{@link #handle} may run concurrently for different jobs: keep implementations thread-safe.
 *   <li>Side effects are at-least-once (a worker may die after the side effect and before its
 *       commit): pass {@link JobContext#idempotencyKey()} to every external system.
 *   <li>Honour interruption and {@link JobContext#isCancelled()}: on timeout the thread is
 *       interrupted and the attempt is recorded as timed out. A handler that ignores the interrupt
 *       keeps its worker slot until it returns, and its late return value is discarded.
 *   <li>Throw {@link PermanentJobException} for failures retrying cannot fix, {@link
 *       RetryableJobException} (or any other exception) for those it may.
 * </ul>
 */
public interface JobHandler {

  /** The name job types refer to. */
  String name();

  /**
   * Runs one attempt.
   *
   * @return the job's output text (may be null)
   */
  String handle(JobContext ctx) throws Exception;
}

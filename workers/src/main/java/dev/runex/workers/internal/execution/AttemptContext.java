package dev.runex.workers.internal.execution;

import dev.runex.schemas.Job;
import dev.runex.schemas.ResourceUsage;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.internal.monitoring.TraceContext;
import java.time.Instant;

/**
 * One attempt as the worker runs it: the {@link JobContext} its handler sees, plus the controls
 * only the runtime uses — stopping the attempt for a reason ({@link #cancel}, read back as {@link
 * #timedOut()}) and what the attempt used ({@link #recordUsage}, set by the built-in executors that
 * can measure it). Handlers get it typed as {@link JobContext}, so they cannot reach these.
 */
public final class AttemptContext extends JobContext {

  /** Why the runtime stopped an attempt (set by the runner, never by a handler). */
  public enum Cancellation {
    NONE,
    TIMED_OUT,
    ABANDONED,
    /** An operator cancelled the job (control topic). */
    CANCELLED
  }

  private volatile Cancellation cancellation = Cancellation.NONE;
  private volatile ResourceUsage usage;
  private final String inboundTraceParent;

  public AttemptContext(Job job, String workerId, Instant startedAt, Instant deadline) {
    this(job, workerId, startedAt, deadline, null);
  }

  /**
   * With the {@code traceparent} header of the consumed record (null: none). The attempt's own
   * {@code traceparent} is derived from it (or from the job id) on the handler's thread, when the
   * handler or executor first asks for it, not on the poll loop that starts the attempt.
   */
  public AttemptContext(
      Job job, String workerId, Instant startedAt, Instant deadline, String inboundTraceParent) {
    super(job, workerId, startedAt, deadline, null);
    this.inboundTraceParent = inboundTraceParent;
  }

  @Override
  protected String deriveTraceParent() {
    return TraceContext.traceParent(job().getId(), job().getAttempt(), inboundTraceParent);
  }

  @Override
  public boolean isCancelled() {
    return cancellation != Cancellation.NONE;
  }

  /** Whether the runtime stopped this attempt for its timeout (the runner reads it). */
  public boolean timedOut() {
    return cancellation == Cancellation.TIMED_OUT;
  }

  /**
   * Stops the attempt for a reason: the runner calls it; handlers see {@link #isCancelled()}. First
   * reason wins: an attempt that timed out stays timed out.
   */
  public synchronized void cancel(Cancellation reason) {
    if (cancellation == Cancellation.NONE) {
      cancellation = reason;
    }
  }

  /**
   * Records what the attempt used; executors that can measure more than wall time (processes, HTTP
   * calls) call this before returning or throwing. The runner fills in wall time and the handler
   * thread's CPU time when nothing was recorded.
   */
  public void recordUsage(ResourceUsage usage) {
    this.usage = usage;
  }

  /** The recorded usage, or null. */
  public ResourceUsage usage() {
    return usage;
  }
}

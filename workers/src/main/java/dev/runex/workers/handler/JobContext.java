package dev.runex.workers.handler;

import dev.runex.schemas.Job;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.ResourceUsage;
import dev.runex.workers.monitoring.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link JobHandler} sees of one attempt: the job, its attempt number, the idempotency key
 * every side effect must carry, typed parameter getters, the deadline and whether the attempt was
 * cancelled (timed out, cancelled by an operator, or abandoned by a worker that is shutting down or
 * lost the partition).
 *
 * <p>Parameter getters throw {@link PermanentJobException} ({@code PARAM_INVALID}) when a value has
 * the wrong type: a retry would not fix it.
 */
public final class JobContext {

  /** Why an attempt was cancelled. */
  /** Why the runtime stopped an attempt (set by the runner, never by a handler). */
  public enum Cancellation {
    NONE,
    TIMED_OUT,
    ABANDONED,
    /** An operator cancelled the job (control topic). */
    CANCELLED
  }

  private final Job job;
  private final String workerId;
  private final Instant startedAt;
  private final Instant deadline;
  private final String traceParent;
  private volatile Cancellation cancellation = Cancellation.NONE;
  private volatile ResourceUsage usage;

  public JobContext(Job job, String workerId, Instant startedAt, Instant deadline) {
    this(job, workerId, startedAt, deadline, null);
  }

  /** With the {@code traceparent} header of the consumed record (null: none). */
  public JobContext(
      Job job, String workerId, Instant startedAt, Instant deadline, String inboundTraceParent) {
    this.job = job;
    this.workerId = workerId;
    this.startedAt = startedAt;
    this.deadline = deadline;
    this.traceParent = TraceContext.traceParent(job.getId(), job.getAttempt(), inboundTraceParent);
  }

  public Job job() {
    return job;
  }

  public String jobId() {
    return job.getId();
  }

  public String type() {
    return job.getType();
  }

  public String tenant() {
    return job.getTenant();
  }

  /** 1 for the first run, incremented by each retry. */
  public int attempt() {
    return job.getAttempt();
  }

  /**
   * {@code <job id>:<attempt>}: unique per attempt and stable across re-executions of the same
   * attempt (after a crash), so external systems can deduplicate side effects.
   */
  public String idempotencyKey() {
    return job.getId() + ":" + job.getAttempt();
  }

  public String workerId() {
    return workerId;
  }

  /** W3C {@code traceparent} of this attempt, for every call it makes ({@link TraceContext}). */
  public String traceParent() {
    return traceParent;
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

  public Instant startedAt() {
    return startedAt;
  }

  /** When the attempt times out. */
  public Instant deadline() {
    return deadline;
  }

  /** Time left before the deadline (zero once passed). */
  public Duration remaining() {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** True once the attempt timed out or the worker abandoned it: stop and return (or throw). */
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
   * The raw parameters: values are null, Boolean, Long, Double or String (JSON parameters as text).
   */
  public Map<String, Object> params() {
    return job.getParams() == null ? Map.of() : Collections.unmodifiableMap(job.getParams());
  }

  public Optional<String> stringParam(String name) {
    Object v = params().get(name);
    return v == null ? Optional.empty() : Optional.of(v.toString());
  }

  public String stringParam(String name, String dflt) {
    return stringParam(name).orElse(dflt);
  }

  public long longParam(String name, long dflt) throws PermanentJobException {
    Object v = params().get(name);
    return v == null ? dflt : toLong(name, v);
  }

  public long requiredLongParam(String name) throws PermanentJobException {
    Object v = params().get(name);
    if (v == null) {
      throw new PermanentJobException(
          ReasonCode.PARAM_INVALID.code(), "parameter " + name + " is required");
    }
    return toLong(name, v);
  }

  public double doubleParam(String name, double dflt) throws PermanentJobException {
    Object v = params().get(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw invalid(name, "a number", v);
    }
  }

  public boolean booleanParam(String name, boolean dflt) throws PermanentJobException {
    Object v = params().get(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name, "true or false", v);
    };
  }

  private static long toLong(String name, Object v) throws PermanentJobException {
    if (v instanceof Long || v instanceof Integer) {
      return ((Number) v).longValue();
    }
    if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return d.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw invalid(name, "a whole number", v);
    }
  }

  private static PermanentJobException invalid(String name, String expected, Object v) {
    return new PermanentJobException(
        ReasonCode.PARAM_INVALID.code(),
        "parameter " + name + " must be " + expected + ", was '" + v + "'");
  }
}

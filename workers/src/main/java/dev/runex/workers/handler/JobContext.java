package dev.runex.workers.handler;

import dev.runex.schemas.Job;
import dev.runex.schemas.ReasonCode;
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
 *
 * <p>The worker hands each attempt its own context and keeps the controls of the attempt (its
 * timeout, cancelling it, what it used) to itself: a handler reads this, it cannot stop or
 * reconfigure the attempt through it. A handler's own unit test may make a context by subclassing
 * it ({@link #isCancelled()} is the one method to give).
 */
public abstract class JobContext {
  private final Job job;
  private final String workerId;
  private final Instant startedAt;
  private final Instant deadline;
  private volatile String traceParent;

  /**
   * @param traceParent the W3C {@code traceparent} of this attempt, for every call it makes; null:
   *     {@link #deriveTraceParent()} gives it when it is first asked for
   */
  protected JobContext(
      Job job, String workerId, Instant startedAt, Instant deadline, String traceParent) {
    this.job = job;
    this.workerId = workerId;
    this.startedAt = startedAt;
    this.deadline = deadline;
    this.traceParent = traceParent;
  }

  public final Job job() {
    return job;
  }

  public final String jobId() {
    return job.getId();
  }

  public final String type() {
    return job.getType();
  }

  public final String tenant() {
    return job.getTenant();
  }

  /** 1 for the first run, incremented by each retry. */
  public final int attempt() {
    return job.getAttempt();
  }

  /**
   * {@code <job id>:<attempt>}: unique per attempt and stable across re-executions of the same
   * attempt (after a crash), so external systems can deduplicate side effects.
   */
  public final String idempotencyKey() {
    return job.getId() + ":" + job.getAttempt();
  }

  public final String workerId() {
    return workerId;
  }

  /** W3C {@code traceparent} of this attempt, to pass on with every call it makes. */
  public final String traceParent() {
    String t = traceParent;
    if (t == null) {
      t = deriveTraceParent();
      traceParent = t; // the same value whichever thread derives it first
    }
    return t;
  }

  /**
   * The {@code traceparent} of a context made without one, derived when a handler first asks for it
   * (null by default): a handler that makes no calls costs nothing for it.
   */
  protected String deriveTraceParent() {
    return null;
  }

  public final Instant startedAt() {
    return startedAt;
  }

  /** When the attempt times out. */
  public final Instant deadline() {
    return deadline;
  }

  /** Time left before the deadline (zero once passed). */
  public final Duration remaining() {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * True once the attempt timed out, was cancelled or the worker abandoned it: stop and return (or
   * throw).
   */
  public abstract boolean isCancelled();

  /**
   * The raw parameters: values are null, Boolean, Long, Double or String (JSON parameters as text).
   */
  public final Map<String, Object> params() {
    return job.getParams() == null ? Map.of() : Collections.unmodifiableMap(job.getParams());
  }

  public final Optional<String> stringParam(String name) {
    Object v = params().get(name);
    return v == null ? Optional.empty() : Optional.of(v.toString());
  }

  public final String stringParam(String name, String dflt) {
    return stringParam(name).orElse(dflt);
  }

  public final long longParam(String name, long dflt) throws PermanentJobException {
    Object v = params().get(name);
    return v == null ? dflt : toLong(name, v);
  }

  public final long requiredLongParam(String name) throws PermanentJobException {
    Object v = params().get(name);
    if (v == null) {
      throw new PermanentJobException(
          ReasonCode.PARAM_INVALID.code(), "parameter " + name + " is required");
    }
    return toLong(name, v);
  }

  public final double doubleParam(String name, double dflt) throws PermanentJobException {
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

  public final boolean booleanParam(String name, boolean dflt) throws PermanentJobException {
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

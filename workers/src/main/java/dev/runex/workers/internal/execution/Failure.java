package dev.runex.workers.internal.execution;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.time.Instant;

/**
 * Why an attempt failed, classified once ({@link FailureClassifier}) and then only read: by the
 * retry planner, the result, the dead letter and the logs.
 *
 * @param code machine-readable reason (HANDLER_ERROR, TIMEOUT, UNKNOWN_TYPE, ...)
 * @param message human-readable reason
 * @param retryable whether another attempt may succeed
 * @param timedOut whether the attempt ran out of time (terminal status TIMED_OUT)
 * @param cause what the handler threw, or null
 * @param retryNotBefore the earliest time another attempt may start (an HTTP Retry-After), or null
 */
public record Failure(
    String code,
    String message,
    boolean retryable,
    boolean timedOut,
    Throwable cause,
    Instant retryNotBefore) {

  public Failure {
    message = message == null ? "" : message;
  }

  public Failure(
      String code, String message, boolean retryable, boolean timedOut, Throwable cause) {
    this(code, message, retryable, timedOut, cause, null);
  }

  public ErrorInfo toErrorInfo() {
    return Lifecycle.error(code, message, cause, retryable);
  }

  /** "CODE: message", for logs and event details. */
  public String describe() {
    return message.isEmpty() ? code : code + ": " + message;
  }
}

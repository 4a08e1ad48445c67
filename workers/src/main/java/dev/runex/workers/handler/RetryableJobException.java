package dev.runex.workers.handler;

import dev.runex.schemas.ReasonCode;
import java.time.Instant;

/**
 * A failure a later attempt may not meet (a dependency was down, a lock was busy): the job is
 * retried with back-off while it has attempts left. Any exception that is not a {@link
 * PermanentJobException} counts as retryable; this one also lets the author choose the error code.
 */
public class RetryableJobException extends Exception {
  private final String code;
  private final Instant retryNotBefore;

  public RetryableJobException(String message) {
    this(ReasonCode.HANDLER_ERROR.code(), message, null);
  }

  public RetryableJobException(String message, Throwable cause) {
    this(ReasonCode.HANDLER_ERROR.code(), message, cause);
  }

  public RetryableJobException(String code, String message, Throwable cause) {
    this(code, message, cause, null);
  }

  /**
   * With the earliest time the next attempt may start (for instance an HTTP {@code Retry-After}):
   * the next attempt is due at the later of it and the type's back-off.
   */
  public RetryableJobException(
      String code, String message, Throwable cause, Instant retryNotBefore) {
    super(message, cause);
    this.code = code == null || code.isBlank() ? ReasonCode.HANDLER_ERROR.code() : code;
    this.retryNotBefore = retryNotBefore;
  }

  /** The earliest time the next attempt may start, or null. */
  public Instant retryNotBefore() {
    return retryNotBefore;
  }

  /** Machine-readable reason, copied into the result's and the dead letter's error. */
  public String code() {
    return code;
  }
}

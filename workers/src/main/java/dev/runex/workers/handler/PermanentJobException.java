package dev.runex.workers.handler;

import dev.runex.schemas.ReasonCode;

/**
 * A failure no retry can fix (bad parameters, a refused request): the job fails at once, with a
 * FAILED result and a dead letter, whatever attempts it has left. Found anywhere in the cause
 * chain, it wins over everything else.
 */
public class PermanentJobException extends Exception {
  private final String code;

  public PermanentJobException(String message) {
    this(ReasonCode.PERMANENT_FAILURE.code(), message, null);
  }

  public PermanentJobException(String code, String message) {
    this(code, message, null);
  }

  public PermanentJobException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code == null || code.isBlank() ? ReasonCode.PERMANENT_FAILURE.code() : code;
  }

  /** Machine-readable reason, copied into the result's and the dead letter's error. */
  public String code() {
    return code;
  }
}

package dev.runex.workers.internal.execution;

import java.time.Duration;

/**
 * Thrown by executors that enforce the attempt's deadline themselves (a process tree they killed,
 * an HTTP request that ran out of time): classified exactly like a timeout the runner detects
 * (retryable {@code TIMEOUT}; the job ends TIMED_OUT when no attempts are left).
 */
public final class AttemptTimedOutException extends Exception {
  private final Duration limit;

  public AttemptTimedOutException(String message, Duration limit) {
    super(message, null, false, false);
    this.limit = limit;
  }

  public Duration limit() {
    return limit;
  }
}

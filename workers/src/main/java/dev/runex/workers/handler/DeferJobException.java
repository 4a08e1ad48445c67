package dev.runex.workers.handler;

import java.time.Instant;

/**
 * "Not now": the attempt did not run and must not count (an executor's circuit breaker is open).
 * The job goes back through the retry path with the same attempt number, due at {@link #until()};
 * no result, no dead letter.
 */
public final class DeferJobException extends Exception {
  private final Instant until;

  public DeferJobException(String reason, Instant until) {
    super(reason, null, false, false);
    this.until = until;
  }

  public Instant until() {
    return until;
  }
}

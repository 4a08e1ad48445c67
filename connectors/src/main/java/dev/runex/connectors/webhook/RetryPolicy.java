package dev.runex.connectors.webhook;

import java.time.Duration;

/**
 * How often and how long a record's delivery is retried: {@code maxRetries} retries after the first
 * attempt, waiting {@code backoff}, then twice that, and so on up to {@code backoffMax}; a server's
 * Retry-After replaces the computed wait, unless it asks for more than {@code retryAfterMax}.
 */
public record RetryPolicy(
    int maxRetries, Duration backoff, Duration backoffMax, Duration retryAfterMax) {

  public RetryPolicy {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
  }

  /** The wait before retry number {@code retry} (1 for the first retry), without Retry-After. */
  public Duration backoffBefore(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, was " + retry);
    }
    // doubling past 2^30 only overflows; the cap has long been reached by then
    long factor = 1L << Math.min(retry - 1, 30);
    long millis;
    try {
      millis = Math.multiplyExact(backoff.toMillis(), factor);
    } catch (ArithmeticException e) {
      millis = Long.MAX_VALUE;
    }
    return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
  }
}

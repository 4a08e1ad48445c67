package dev.runex.connectors.webhook;

import java.time.Duration;
import java.util.Optional;

/** What one HTTP request to the endpoint came to. */
sealed interface Attempt {

  /** A 2xx answer: the endpoint has the record. */
  record Delivered(int status) implements Attempt {}

  /**
   * Worth trying again: HTTP 408, 429 or 5xx, a timeout or a connection error; {@code retryAfter}
   * is what the server asked for, if it did.
   */
  record Retryable(String reason, Optional<Duration> retryAfter) implements Attempt {}

  /** Any other answer (400, 401, 404, 3xx...): repeating the same request will not help. */
  record Refused(int status, String body) implements Attempt {}
}

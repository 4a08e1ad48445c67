package dev.runex.config;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Retry policy of a job type: how many attempts, and the back-off between them (exponential with
 * jitter, via resilience4j's {@link IntervalFunction}).
 *
 * @param maxAttempts attempts when the request does not say
 * @param maxAttemptsLimit the most attempts a request may ask for
 * @param initialInterval back-off before the second attempt
 * @param multiplier growth of the back-off per attempt
 * @param randomization jitter factor in [0, 1)
 * @param maxInterval cap on any single back-off
 */
public record RetryPolicy(
    int maxAttempts,
    int maxAttemptsLimit,
    Duration initialInterval,
    double multiplier,
    double randomization,
    Duration maxInterval) {

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, 10, Duration.ofSeconds(1), 2.0, 0.5, Duration.ofMinutes(5));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new ConfigException("retry.maxAttempts must be >= 1, was " + maxAttempts);
    }
    if (maxAttemptsLimit < maxAttempts) {
      throw new ConfigException(
          "retry.maxAttemptsLimit must be >= retry.maxAttempts ("
              + maxAttempts
              + "), was "
              + maxAttemptsLimit);
    }
    if (multiplier < 1.0) {
      throw new ConfigException("retry.multiplier must be >= 1.0, was " + multiplier);
    }
    if (randomization < 0 || randomization >= 1) {
      throw new ConfigException("retry.randomization must be in [0, 1), was " + randomization);
    }
    if (initialInterval.isNegative() || initialInterval.isZero()) {
      throw new ConfigException("retry.initialInterval must be > 0, was " + initialInterval);
    }
  }

  /** resilience4j interval function for this policy (1-based attempt numbers). */
  public IntervalFunction intervalFunction() {
    return IntervalFunction.ofExponentialRandomBackoff(
        initialInterval, multiplier, randomization, maxInterval);
  }

  /** Back-off before the attempt after {@code failedAttempt} (1 = the first run failed). */
  public Duration backoffAfter(int failedAttempt) {
    return Duration.ofMillis(intervalFunction().apply(Math.max(1, failedAttempt)));
  }
}

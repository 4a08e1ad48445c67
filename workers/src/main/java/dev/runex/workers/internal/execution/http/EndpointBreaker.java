package dev.runex.workers.internal.execution.http;

import dev.runex.config.HttpSpec.BreakerSpec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker (resilience4j) of one job type's endpoint. Failures are what says the service
 * is unwell — 5xx, 408, 429, timeouts, connection errors; other 4xx are the request's fault and
 * count as successes. When the failure rate over the last {@code window} calls reaches the
 * threshold it opens for {@code openFor}: calls are not made, and {@link #deferUntil} says until
 * when the job should wait. Then one probe call is let through; its outcome closes the breaker or
 * opens it again.
 */
final class EndpointBreaker {
  private static final Logger log = LoggerFactory.getLogger(EndpointBreaker.class);

  /** Deferring for less would churn jobs through the retry topic for nothing. */
  private static final Duration MIN_DEFER = Duration.ofMillis(200);

  private final CircuitBreaker breaker;
  private final Duration openFor;
  private final Clock clock;
  private volatile Instant openedAt = Instant.MIN;

  EndpointBreaker(String name, BreakerSpec spec, Clock clock) {
    this.openFor = spec.openFor();
    this.clock = clock;
    this.breaker =
        CircuitBreaker.of(
            name,
            CircuitBreakerConfig.custom()
                .failureRateThreshold(spec.failureRate())
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(spec.window())
                .minimumNumberOfCalls(spec.minCalls())
                .waitDurationInOpenState(spec.openFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt = clock.instant();
                log.warn("circuit breaker {} opened: jobs are deferred for {}", name, openFor);
              } else {
                log.info("circuit breaker {}: {}", name, e.getStateTransition());
              }
            });
  }

  /** Whether a call may be made now; when true, exactly one of the record methods must follow. */
  boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  void success(Duration took) {
    breaker.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
  }

  void failure(Duration took, Throwable why) {
    breaker.onError(took.toNanos(), TimeUnit.NANOSECONDS, why);
  }

  /** The call was not made after all (the attempt was cancelled). */
  void release() {
    breaker.releasePermission();
  }

  /** When a job refused by the open breaker should come back: when it lets a probe through. */
  Instant deferUntil() {
    Instant now = clock.instant();
    Instant reopen =
        breaker.getState() == CircuitBreaker.State.OPEN
            ? openedAt.plus(openFor)
            : now.plus(openFor);
    Instant earliest = now.plus(MIN_DEFER);
    return reopen.isAfter(earliest) ? reopen : earliest;
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }
}

package dev.runex.workers.internal.execution;

import dev.runex.schemas.ResourceUsage;
import java.time.Duration;
import java.time.Instant;

/** How one attempt of a job ended. */
public sealed interface AttemptOutcome {

  Instant startedAt();

  Instant finishedAt();

  /** What the attempt used and which limit stopped or cut it; null when nothing was measured. */
  ResourceUsage usage();

  default Duration duration() {
    return Duration.between(startedAt(), finishedAt());
  }

  /** The handler returned: {@code output} is its text (may be null). */
  record Succeeded(String output, Instant startedAt, Instant finishedAt, ResourceUsage usage)
      implements AttemptOutcome {
    public Succeeded(String output, Instant startedAt, Instant finishedAt) {
      this(output, startedAt, finishedAt, null);
    }
  }

  /** The handler threw, timed out, or could not be resolved. */
  record Failed(Failure failure, Instant startedAt, Instant finishedAt, ResourceUsage usage)
      implements AttemptOutcome {
    public Failed(Failure failure, Instant startedAt, Instant finishedAt) {
      this(failure, startedAt, finishedAt, null);
    }
  }

  /**
   * The attempt did not run and does not count (a circuit breaker is open): the same attempt is due
   * again at {@code until}, through the retry path.
   */
  record Deferred(String reason, Instant until, Instant startedAt, Instant finishedAt)
      implements AttemptOutcome {
    @Override
    public ResourceUsage usage() {
      return null;
    }
  }
}

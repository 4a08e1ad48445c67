package dev.runex.workers.execution;

import java.time.Duration;
import java.time.Instant;

/** How one attempt of a job ended. */
public sealed interface AttemptOutcome {

  Instant startedAt();

  Instant finishedAt();

  default Duration duration() {
    return Duration.between(startedAt(), finishedAt());
  }

  /** The handler returned: {@code output} is its text (may be null). */
  record Succeeded(String output, Instant startedAt, Instant finishedAt) implements AttemptOutcome {}

  /** The handler threw, timed out, or could not be resolved. */
  record Failed(Failure failure, Instant startedAt, Instant finishedAt) implements AttemptOutcome {}
}

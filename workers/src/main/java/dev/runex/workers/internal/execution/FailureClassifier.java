package dev.runex.workers.internal.execution;

import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.Causes;
import java.time.Duration;

/**
 * Classifies a failed attempt once, by walking the cause chain (as Temporal's non-retryable
 * application failures and Parallel Consumer's retriable exception do): the first {@link
 * PermanentJobException} or {@link RetryableJobException} found decides; anything else is a
 * retryable {@code HANDLER_ERROR}. Timeouts and unresolvable jobs have their own factories.
 */
public final class FailureClassifier {
  private FailureClassifier() {}

  public static Failure classify(Throwable thrown) {
    for (Throwable t : Causes.chain(thrown)) {
      if (t instanceof PermanentJobException p) {
        return new Failure(p.code(), p.getMessage(), false, false, thrown);
      }
      if (t instanceof RetryableJobException r) {
        return new Failure(r.code(), r.getMessage(), true, false, thrown, r.retryNotBefore());
      }
      if (t instanceof AttemptTimedOutException a) {
        return new Failure(ReasonCode.TIMEOUT.code(), a.getMessage(), true, true, null);
      }
    }
    String message =
        thrown.getMessage() != null ? thrown.getMessage() : thrown.getClass().getName();
    return new Failure(ReasonCode.HANDLER_ERROR.code(), message, true, false, thrown);
  }

  public static Failure timeout(Duration limit) {
    return new Failure(
        ReasonCode.TIMEOUT.code(),
        "attempt timed out after " + limit.toMillis() + " ms",
        true,
        true,
        null);
  }

  public static Failure unknownType(String type) {
    return new Failure(
        ReasonCode.UNKNOWN_TYPE.code(),
        "job type '" + type + "' is not declared in this worker's configuration",
        false,
        false,
        null);
  }

  public static Failure unknownHandler(String handler, String type) {
    return new Failure(
        ReasonCode.UNKNOWN_HANDLER.code(),
        "no handler named '" + handler + "' (job type '" + type + "') is registered",
        false,
        false,
        null);
  }

  /** The worker gave the attempt up (shutdown, rebalance, aborted transaction); it reruns. */
  public static Failure abandoned() {
    return new Failure(
        ReasonCode.ABANDONED.code(),
        "attempt abandoned by the worker; it reruns from the uncommitted offset",
        true,
        false,
        null);
  }

  /** The job declares more memory than the worker's whole budget: it could never start here. */
  public static Failure memoryBudgetExceeded(long needed, long budget) {
    return new Failure(
        ReasonCode.MEMORY_BUDGET_EXCEEDED.code(),
        "job declares "
            + dev.runex.config.Sizes.format(needed)
            + " of memory (limits.memory), more than this worker's whole runex.worker.memoryBudget ("
            + dev.runex.config.Sizes.format(budget)
            + ")",
        false,
        false,
        null);
  }

  public static Failure outputTooLarge(long bytes, long limit) {
    return new Failure(
        ReasonCode.OUTPUT_TOO_LARGE.code(),
        "output of " + bytes + " bytes exceeds the limit of " + limit + " bytes",
        false,
        false,
        null);
  }
}

package dev.runex.workers.internal.output;

import dev.runex.workers.internal.retry.RetryDecision;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Everything a finished attempt produces, in the order it is sent within the transaction.
 *
 * @param kind how the attempt ended, for metrics and logs
 * @param decision the retry decision of a failed attempt (null when it succeeded)
 * @param records serialized records: result, retry, dead letter and events
 */
public record AttemptOutputs(
    Kind kind, RetryDecision decision, List<ProducerRecord<byte[], byte[]>> records) {

  /** How an attempt ended. */
  public enum Kind {
    SUCCEEDED,
    RETRY,
    FAILED,
    TIMED_OUT,
    /** The attempt did not run (circuit breaker open) and comes back unchanged. */
    DEFERRED,
    /** An operator cancelled the job (before or while it ran). */
    CANCELLED;

    /** The {@code outcome} tag value of runex.job.execution / runex.job.completed. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}

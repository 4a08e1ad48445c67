package dev.runex.workers.internal.output;

import dev.runex.workers.internal.Causes;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The transactional producer became unusable (a transaction the coordinator aborted after its
 * timeout, an expired producer id, a broker that did not answer in time, a fenced producer): it was
 * closed, nothing it sent since the last known commit may be trusted, and the outcome of a commit
 * in progress is unknown. The caller abandons its in-flight work, makes a new producer ({@link
 * OutputTransaction#init}) and resumes from the offsets the broker says are committed.
 */
public final class ProducerLostException extends RuntimeException {
  public ProducerLostException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the broker fenced the producer ({@link ProducerFencedException} among the causes):
   * after a transaction outlived its timeout, or because another producer with the same
   * transactional id started. Only the second repeats.
   */
  public boolean fenced() {
    return Causes.chain(getCause()).stream().anyMatch(ProducerFencedException.class::isInstance);
  }
}

package dev.runex.workers.internal.output;

/**
 * The transactional producer became unusable without anyone taking over (a transaction the
 * coordinator aborted after its timeout, an expired producer id, a broker that did not answer in
 * time): it was closed, nothing it sent since the last known commit may be trusted, and the outcome
 * of a commit in progress is unknown. The caller abandons its in-flight work, makes a new producer
 * ({@link OutputTransaction#init}) and resumes from the offsets the broker says are committed.
 */
public final class ProducerLostException extends RuntimeException {
  public ProducerLostException(String message, Throwable cause) {
    super(message, cause);
  }
}

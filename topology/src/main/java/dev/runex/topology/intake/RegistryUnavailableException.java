package dev.runex.topology.intake;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry could not answer (down, timing out, refusing). Not the record's fault, so it
 * must not become a dead letter: it is thrown out of the processor, the stream thread's transaction
 * aborts and the record is read again once the thread is replaced.
 */
public class RegistryUnavailableException extends RetriableException {
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

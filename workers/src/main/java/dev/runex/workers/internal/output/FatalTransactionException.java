package dev.runex.workers.internal.output;

/**
 * The transactional producer must not be used any more: another instance with the same
 * transactional id or group instance id took over (fenced), or the producer is not allowed or not
 * able to work at all (authorization, protocol, configuration). The worker stops; nothing it
 * produced since its last commit becomes visible. A producer that is merely lost (timeouts, an
 * aborted transaction) is {@link ProducerLostException} instead.
 */
public final class FatalTransactionException extends RuntimeException {
  public FatalTransactionException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.runex.workers.internal.output;

/**
 * The worker must not go on: another instance with the same group instance id took over, its
 * producer was fenced again and again (another instance with the same transactional id), or the
 * producer is not allowed or not able to work at all (authorization, protocol, configuration). The
 * worker stops; nothing it produced since its last commit becomes visible. A producer that is
 * merely lost (timeouts, an aborted transaction, a single fencing) is {@link ProducerLostException}
 * instead.
 */
public final class FatalTransactionException extends RuntimeException {
  public FatalTransactionException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.runex.workers.output;

/**
 * The transactional producer can no longer be used — most often another instance with the same
 * transactional id or group instance id took over (fenced) — so the worker must stop. Nothing it
 * produced since its last commit becomes visible.
 */
public final class FatalTransactionException extends RuntimeException {
  public FatalTransactionException(String message, Throwable cause) {
    super(message, cause);
  }
}

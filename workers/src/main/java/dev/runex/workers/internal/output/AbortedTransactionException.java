package dev.runex.workers.internal.output;

/**
 * A commit failed for a reason a new transaction may not meet (a rebalance made the group
 * generation stale, a send failed, a broker timed out): the transaction was aborted, so the caller
 * must rewind to its last committed offsets and redo the work.
 */
public final class AbortedTransactionException extends Exception {
  public AbortedTransactionException(String message, Throwable cause) {
    super(message, cause);
  }
}

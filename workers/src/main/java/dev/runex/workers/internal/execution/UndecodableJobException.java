package dev.runex.workers.internal.execution;

/**
 * A scheduled record that is not a readable job: it becomes a dead letter, never a stopped worker.
 */
public final class UndecodableJobException extends Exception {
  public UndecodableJobException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.runex.workers.internal.execution;

/**
 * The schema registry could not be asked (unreachable, 5xx): the record may be fine, so it must not
 * be dead-lettered; the worker backs off and refetches it.
 */
public final class RegistryUnavailableException extends RuntimeException {
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

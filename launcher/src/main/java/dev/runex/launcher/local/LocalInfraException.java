package dev.runex.launcher.local;

/**
 * The local Kafka broker or schema registry could not be found, started or proven ready. The
 * message says what failed and, for a server, ends with the tail of its log.
 */
public class LocalInfraException extends RuntimeException {
  public LocalInfraException(String message) {
    super(message);
  }

  public LocalInfraException(String message, Throwable cause) {
    super(message, cause);
  }
}

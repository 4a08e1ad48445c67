package dev.runex.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry could not give an answer (unreachable, 5xx, interrupted): the record may be fine, so
 * callers retry instead of rejecting it.
 */
public class SchemaRegistryUnavailableException extends SerializationException {
  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.runex.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The registry answered, and it has no schema with that id: the record itself is bad. */
public class SchemaNotFoundException extends SerializationException {
  public SchemaNotFoundException(String message) {
    super(message);
  }
}

package dev.runex.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry answered with a schema that is not Avro (a {@code PROTOBUF} or {@code JSON} schema,
 * or text that does not parse as Avro): a record framed with its id is not Avro, whatever else it
 * is. Like {@link SchemaNotFoundException}, the record's fault, not the registry's.
 */
public class UnsupportedSchemaException extends SerializationException {
  public UnsupportedSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}

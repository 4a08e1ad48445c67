package dev.runex.workers.internal.execution;

import dev.runex.schemas.Job;
import dev.runex.schemas.serde.ConfluentAvroDeserializer;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a {@code scheduled.<pool>} record value into a {@link Job}, separating bad records (not
 * Confluent-framed, unknown schema id, unreadable body, no value: {@link UndecodableJobException},
 * dead-lettered) from an unavailable registry ({@link RegistryUnavailableException}, retried). The
 * consumer reads raw bytes so a bad record can never stop the poll loop.
 */
public final class ScheduledJobDecoder {
  private final SchemaRegistryClient registry;
  private final Deserializer<Job> deserializer;

  public ScheduledJobDecoder(SchemaRegistryClient registry, Deserializer<Job> deserializer) {
    this.registry = registry;
    this.deserializer = deserializer;
  }

  public Job decode(String topic, byte[] value) throws UndecodableJobException {
    if (value == null) {
      throw new UndecodableJobException("record has no value (tombstone)", null);
    }
    try {
      // resolve the writer schema first, so a registry outage is told apart from a bad record
      registry.getById(ConfluentAvroDeserializer.schemaId(value));
    } catch (SerializationException e) {
      if (isUnavailable(e)) {
        throw new RegistryUnavailableException("schema registry unavailable: " + e.getMessage(), e);
      }
      throw new UndecodableJobException(e.getMessage(), e);
    }
    try {
      Job job = deserializer.deserialize(topic, value);
      if (job == null) {
        throw new UndecodableJobException("record decodes to no job", null);
      }
      return job;
    } catch (SerializationException e) {
      throw new UndecodableJobException(e.getMessage(), e);
    }
  }

  /** An outage (no answer from the registry), as opposed to a record the registry says is bad. */
  static boolean isUnavailable(SerializationException e) {
    return e instanceof SchemaRegistryUnavailableException;
  }
}

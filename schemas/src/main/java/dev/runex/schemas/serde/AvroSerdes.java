package dev.runex.schemas.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serde factories for the runex records. */
public final class AvroSerdes {
  private AvroSerdes() {}

  /** Confluent-framed Avro value serde for a generated class. */
  public static <T extends SpecificRecord> Serde<T> confluent(
      SchemaRegistryClient registry, Class<T> type) {
    return Serdes.serdeFrom(
        new ConfluentAvroSerializer<>(registry, false),
        new ConfluentAvroDeserializer<>(registry, type));
  }
}

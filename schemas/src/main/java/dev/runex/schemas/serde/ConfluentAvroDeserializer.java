package dev.runex.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format into a generated class, resolving the writer schema (fetched by id,
 * cached) against the class's own schema, so records written with older or newer compatible
 * schemas still read.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  static {
    AvroTrust.ensure();
  }

  public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = registry;
    this.readerSchema = SpecificData.get().getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    int id = schemaId(data);
    SpecificDatumReader<T> reader =
        readers.computeIfAbsent(id, i -> new SpecificDatumReader<>(registry.getById(i), readerSchema));
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null);
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode " + readerSchema.getName() + " (schema id " + id + ") from topic " + topic + ": " + e, e);
    }
  }

  /** The schema id of a Confluent-framed record; a clear error when the bytes are not framed. */
  public static int schemaId(byte[] data) {
    if (data.length < 5) {
      throw new SerializationException("not Confluent-framed Avro: only " + data.length + " bytes");
    }
    if (data[0] != ConfluentAvroSerializer.MAGIC) {
      throw new SerializationException("not Confluent-framed Avro: first byte is " + (data[0] & 0xff) + ", not 0");
    }
    return ByteBuffer.wrap(data, 1, 4).getInt();
  }
}

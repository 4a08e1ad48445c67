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
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format into a generated class, resolving the writer schema (fetched by id,
 * cached) against the class's own schema, so records written with older or newer compatible schemas
 * still read.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private final SchemaRegistryClient registry;
  private final Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  /** Per-thread decoder, reconfigured for every record (it holds no state between records). */
  private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

  static {
    AvroTrust.ensure();
  }

  public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = registry;
    this.readerSchema = SpecificData.get().getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : read(topic, data, 0, data.length);
  }

  /**
   * Reads the consumer's buffer in place: Kafka's default copies each record's bytes into a new
   * array first.
   */
  @Override
  public T deserialize(String topic, Headers headers, ByteBuffer data) {
    if (data == null) {
      return null;
    }
    if (!data.hasArray()) {
      byte[] copy = new byte[data.remaining()];
      data.duplicate().get(copy);
      return read(topic, copy, 0, copy.length);
    }
    return read(topic, data.array(), data.arrayOffset() + data.position(), data.remaining());
  }

  private T read(String topic, byte[] data, int offset, int length) {
    int id = schemaId(data, offset, length);
    SpecificDatumReader<T> reader =
        readers.computeIfAbsent(
            id, i -> new SpecificDatumReader<>(registry.getById(i), readerSchema));
    try {
      BinaryDecoder decoder =
          DecoderFactory.get().binaryDecoder(data, offset + 5, length - 5, DECODER.get());
      DECODER.set(decoder);
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode "
              + readerSchema.getName()
              + " (schema id "
              + id
              + ") from topic "
              + topic
              + ": "
              + e,
          e);
    }
  }

  /** The schema id of a Confluent-framed record; a clear error when the bytes are not framed. */
  public static int schemaId(byte[] data) {
    return schemaId(data, 0, data.length);
  }

  private static int schemaId(byte[] data, int offset, int length) {
    if (length < 5) {
      throw new SerializationException("not Confluent-framed Avro: only " + length + " bytes");
    }
    if (data[offset] != ConfluentAvroSerializer.MAGIC) {
      throw new SerializationException(
          "not Confluent-framed Avro: first byte is " + (data[offset] & 0xff) + ", not 0");
    }
    return ByteBuffer.wrap(data, offset + 1, 4).getInt();
  }
}

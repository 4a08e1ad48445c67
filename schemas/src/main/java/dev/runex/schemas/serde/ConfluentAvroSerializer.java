package dev.runex.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Confluent's wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro
 * binary body. The schema is registered under the topic-name-strategy subject
 * ({@code <topic>-value} or {@code <topic>-key}) once and its id cached.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  public static final byte MAGIC = 0;
  private final SchemaRegistryClient registry;
  private final boolean isKey;
  private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
  private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
  private static final ThreadLocal<BinaryEncoder> ENCODER = new ThreadLocal<>();

  static {
    AvroTrust.ensure();
  }

  public ConfluentAvroSerializer(SchemaRegistryClient registry, boolean isKey) {
    this.registry = registry;
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Schema schema = data.getSchema();
    String subject = topic + (isKey ? "-key" : "-value");
    int id = idByTopic.computeIfAbsent(subject + "|" + schema.getFullName(), s -> registry.register(subject, schema));
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      out.write(MAGIC);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, ENCODER.get());
      ENCODER.set(encoder);
      writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(data, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot serialize " + schema.getName() + " for topic " + topic, e);
    }
  }
}

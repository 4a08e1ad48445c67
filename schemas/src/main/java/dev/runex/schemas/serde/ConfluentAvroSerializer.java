package dev.runex.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
  /** Schema id per topic for the schema last seen there (one generated class per serializer). */
  private final Map<String, TopicSchema> idByTopic = new ConcurrentHashMap<>();
  private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
  /** Per-thread scratch: the encoder and a growable buffer, reused for every record. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  static {
    AvroTrust.ensure();
  }

  private record TopicSchema(Schema schema, int id) {}

  /** A ByteArrayOutputStream whose buffer survives {@link #reset()}, so records reuse it. */
  private static final class Scratch extends ByteArrayOutputStream {
    BinaryEncoder encoder;

    Scratch() {
      super(512);
    }
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
    int id = schemaId(topic, schema);
    try {
      Scratch out = SCRATCH.get();
      out.reset();
      out.write(MAGIC);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      out.encoder = EncoderFactory.get().directBinaryEncoder(out, out.encoder);
      writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(data, out.encoder);
      out.encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot serialize " + schema.getName() + " for topic " + topic, e);
    }
  }

  private int schemaId(String topic, Schema schema) {
    TopicSchema known = idByTopic.get(topic);
    if (known != null && known.schema() == schema) {
      return known.id();
    }
    String subject = topic + (isKey ? "-key" : "-value");
    TopicSchema registered = new TopicSchema(schema, registry.register(subject, schema));
    idByTopic.put(topic, registered);
    return registered.id();
  }
}

package dev.runex.schemas.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Confluent's wire format: magic byte 0, the 4-byte big-endian schema id, then the Avro
 * binary body. The schema is registered under the topic-name-strategy subject ({@code
 * <topic>-value} or {@code <topic>-key}) once and its id cached.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  public static final byte MAGIC = 0;
  private final SchemaRegistryClient registry;
  private final boolean isKey;

  /** Schema id per topic for the schema last seen there (one generated class per serializer). */
  private final Map<String, TopicSchema> idByTopic = new ConcurrentHashMap<>();

  private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

  /** Per-thread scratch: the encoder and a growable buffer, reused for every record. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  static {
    AvroTrust.ensure();
  }

  private record TopicSchema(Schema schema, int id) {}

  /**
   * A growable buffer that survives {@link #reset()}, so records reuse it. Unsynchronized, unlike
   * {@code ByteArrayOutputStream}: only its thread writes to it. The buffered encoder in front of
   * it hands it whole chunks, not single bytes.
   */
  private static final class Scratch extends OutputStream {
    byte[] buf = new byte[512];
    int count;
    BinaryEncoder encoder;

    void reset() {
      count = 0;
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, count);
    }

    private void ensure(int more) {
      if (count + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      }
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
    Scratch out = SCRATCH.get();
    try {
      if (out.encoder == null) { // it writes only to this scratch, and is empty after each flush
        out.encoder = EncoderFactory.get().binaryEncoder(out, null);
      }
      out.reset();
      out.write(MAGIC);
      out.write(id >>> 24);
      out.write(id >>> 16);
      out.write(id >>> 8);
      out.write(id);
      writers.computeIfAbsent(schema, CompiledDatumWriter::of).write(data, out.encoder);
      out.encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      out.encoder = null; // it may hold part of the failed record: never let it reach the next one
      throw new SerializationException(
          "cannot serialize " + schema.getName() + " for topic " + topic, e);
    }
  }

  /**
   * The registry subject of a topic's keys or values: Confluent's default TopicNameStrategy ({@code
   * <topic>-key}, {@code <topic>-value}), the one place runex spells it.
   */
  public static String subject(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  private int schemaId(String topic, Schema schema) {
    TopicSchema known = idByTopic.get(topic);
    if (known != null && known.schema() == schema) {
      return known.id();
    }
    String subject = subject(topic, isKey);
    TopicSchema registered = new TopicSchema(schema, registry.register(subject, schema));
    idByTopic.put(topic, registered);
    return registered.id();
  }
}

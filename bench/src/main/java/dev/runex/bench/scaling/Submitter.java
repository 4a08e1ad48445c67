package dev.runex.bench.scaling;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.topics.RunexTopics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Puts JSON job requests on the intake topic, as any Kafka producer would (or JSON records on
 * another topic: schedules).
 */
public final class Submitter implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String intake;

  Submitter(RunexConfig cfg, RunexTopics topics) {
    this(cfg.bootstrapServers(), topics.intake().name());
  }

  /** A producer of JSON requests to the topic {@code intake}. */
  public Submitter(String bootstrapServers, String intake) {
    this.intake = intake;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /** A {@code sleep} job (built-in handler) of {@code ms} milliseconds. */
  public void sleepJob(String id, int ms) {
    submit(id, sleepRequest(ms));
  }

  /** The JSON request of a {@code sleep} job of {@code ms} milliseconds. */
  public static String sleepRequest(int ms) {
    return "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{\"ms\":" + ms + "}}";
  }

  /** Sends the JSON request {@code json} under the key {@code id} (not waiting for it). */
  public void submit(String id, String json) {
    producer.send(
        new ProducerRecord<>(
            intake, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
  }

  /** Sends a tombstone under the key {@code key} (on a compacted topic: deletes it). */
  public void delete(String key) {
    producer.send(new ProducerRecord<>(intake, key.getBytes(StandardCharsets.UTF_8), null));
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}

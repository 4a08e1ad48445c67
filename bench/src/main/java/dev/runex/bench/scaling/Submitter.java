package dev.runex.bench.scaling;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.topics.RunexTopics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Puts JSON job requests on the intake topic, as any Kafka producer would. */
final class Submitter implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String intake;

  Submitter(RunexConfig cfg, RunexTopics topics) {
    this.intake = topics.intake().name();
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cfg.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                5),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /** A {@code sleep} job (built-in handler) of {@code ms} milliseconds. */
  void sleepJob(String id, int ms) {
    String json = "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{\"ms\":" + ms + "}}";
    producer.send(
        new ProducerRecord<>(
            intake, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}

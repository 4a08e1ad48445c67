package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for the CLI commands: byte-level, group-less readers, acks=all writers. */
public final class Clients {
  private Clients() {}

  public static KafkaProducer<byte[], byte[]> producer(RunexConfig cfg) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "runex-cli");
    return new KafkaProducer<>(
        cfg.kafka().producer(p), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** A read_committed consumer without a group, assigned to every partition of {@code topic}. */
  public static KafkaConsumer<byte[], byte[]> reader(
      RunexConfig cfg, String topic, boolean fromBeginning) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "runex-cli-reader");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            cfg.kafka().consumer(c), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(
          "topic "
              + topic
              + " does not exist at "
              + cfg.bootstrapServers()
              + " (is the runtime started? ./runex local)");
    }
    List<TopicPartition> parts =
        infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(parts);
    if (fromBeginning) {
      consumer.seekToBeginning(parts);
    } else {
      consumer.seekToEnd(parts);
    }
    parts.forEach(consumer::position); // resolve positions now, so later writes are seen
    return consumer;
  }
}

package dev.runex.gateway.kafka;

import dev.runex.config.RunexConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain Kafka clients for the CLI commands and the gateway: byte-level, group-less readers
 * (read_committed), acks=all idempotent writers, an admin client; each with the pass-through of
 * {@code runex.kafka.<client>.*}.
 */
public final class Clients {
  private Clients() {}

  public static KafkaProducer<byte[], byte[]> producer(RunexConfig cfg) {
    return producer(cfg, "runex-cli");
  }

  public static KafkaProducer<byte[], byte[]> producer(RunexConfig cfg, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    return new KafkaProducer<>(
        cfg.kafka().producer(p), new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static Admin admin(RunexConfig cfg, String clientId) {
    Map<String, Object> a = new HashMap<>();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    a.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return Admin.create(cfg.kafka().admin(a));
  }

  /** A read_committed consumer without a group, assigned to nothing yet. */
  public static KafkaConsumer<byte[], byte[]> unassigned(RunexConfig cfg, String clientId) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    Map<String, Object> merged = new HashMap<>(cfg.kafka().consumer(c));
    merged.remove(ConsumerConfig.GROUP_ID_CONFIG);
    merged.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return new KafkaConsumer<>(merged, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** A read_committed consumer without a group, assigned to every partition of {@code topic}. */
  public static KafkaConsumer<byte[], byte[]> reader(
      RunexConfig cfg, String topic, boolean fromBeginning) {
    return reader(cfg, topic, fromBeginning, "runex-cli-reader");
  }

  public static KafkaConsumer<byte[], byte[]> reader(
      RunexConfig cfg, String topic, boolean fromBeginning, String clientId) {
    KafkaConsumer<byte[], byte[]> consumer = unassigned(cfg, clientId);
    List<TopicPartition> parts;
    try {
      parts = partitions(consumer, cfg, topic);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    consumer.assign(parts);
    if (fromBeginning) {
      consumer.seekToBeginning(parts);
    } else {
      consumer.seekToEnd(parts);
    }
    parts.forEach(consumer::position); // resolve positions now, so later writes are seen
    return consumer;
  }

  /** Every partition of {@code topic}; IllegalStateException when it does not exist. */
  public static List<TopicPartition> partitions(
      KafkaConsumer<?, ?> consumer, RunexConfig cfg, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "topic "
              + topic
              + " does not exist at "
              + cfg.bootstrapServers()
              + " (is the runtime started? ./runex local)");
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }
}

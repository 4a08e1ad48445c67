package dev.runex.bench.subject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits until the broker leads every partition of just-created topics. Creating a topic returns
 * (and describing it succeeds) before the broker has applied the partitions; a produce request
 * arriving in that gap fails with NOT_LEADER_OR_FOLLOWER, and when a later request of the same
 * idempotent producer lands first, the retry fails with OUT_OF_ORDER_SEQUENCE_NUMBER until
 * delivery.timeout.ms drops the records (KAFKA-15591 / KAFKA-14312). Listing end offsets asks
 * each partition's leader and retries until it answers, so afterwards produce is safe.
 */
final class PartitionLeaders {
  private PartitionLeaders() {}

  static void await(String bootstrapServers, Collection<String> topics, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        for (PartitionInfo p : consumer.partitionsFor(topic, timeout)) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
      }
      consumer.endOffsets(partitions, timeout); // throws TimeoutException when a leader never answers
    }
  }
}

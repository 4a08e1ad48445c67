package dev.runex.bench.torture;

import dev.runex.schemas.JobPriority;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What the audit reads from the broker, read_committed, as a downstream user would: whole topics up
 * to their last stable offsets, and consumer group lag — the positive signal that the load drained
 * (the worker group committed everything it was given; the topology consumed all its input).
 */
final class TopicReads {
  private TopicReads() {}

  /** Records of the pool's scheduled topics its worker group has not committed yet. */
  static long workerLag(String bootstrap, RunexTopics topics, String prefix, String pool)
      throws ExecutionException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (JobPriority p : JobPriority.values()) {
      names.add(topics.scheduled(pool, p).name());
    }
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(names)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      return lag(admin, latest, prefix + "worker." + pool, true);
    }
  }

  /**
   * Records of every topic the topology's group reads (intake, its repartition and retry topics)
   * that it has not committed yet.
   */
  static long topologyLag(String bootstrap, String applicationId)
      throws ExecutionException, InterruptedException {
    try (Admin admin = admin(bootstrap)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .listConsumerGroupOffsets(applicationId)
          .partitionsToOffsetAndMetadata()
          .get()
          .keySet()
          .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      if (latest.isEmpty()) {
        return Long.MAX_VALUE; // nothing committed yet: not drained
      }
      return lag(admin, latest, applicationId, false);
    }
  }

  private static long lag(
      Admin admin, Map<TopicPartition, OffsetSpec> latest, String group, boolean missingIsZero)
      throws ExecutionException, InterruptedException {
    var ends =
        admin
            .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long lag = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag +=
          e.getValue().offset()
              - (c == null ? (missingIsZero ? 0 : e.getValue().offset()) : c.offset());
    }
    return lag;
  }

  /** Every committed record of {@code topic}, from the beginning to its last stable offsets. */
  static <K, V> void readAll(String bootstrap, Topic<K, V> topic, BiConsumer<K, V> sink) {
    try (KafkaConsumer<K, V> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(topic.name(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
        for (ConsumerRecord<K, V> r : c.poll(Duration.ofMillis(200))) {
          sink.accept(r.key(), r.value());
        }
      }
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}

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
    try (Admin admin = admin(bootstrap)) {
      return workerLag(admin, topics, prefix, pool);
    }
  }

  /**
   * {@link #workerLag(String, RunexTopics, String, String)} with an admin client of the caller's.
   */
  static long workerLag(Admin admin, RunexTopics topics, String prefix, String pool)
      throws ExecutionException, InterruptedException {
    List<String> names = new ArrayList<>();
    for (JobPriority p : JobPriority.values()) {
      names.add(topics.scheduled(pool, p).name());
    }
    return lag(admin, latest(admin, names), prefix + "worker." + pool, true);
  }

  /** Every partition of the {@code topics}, each asking for its latest offset. */
  static Map<TopicPartition, OffsetSpec> latest(Admin admin, List<String> topics)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get()
        .forEach(
            (name, d) ->
                d.partitions()
                    .forEach(
                        p ->
                            latest.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    return latest;
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
    try (KafkaConsumer<K, V> c = fromStart(bootstrap, topic)) {
      readToEnd(c, sink);
    }
  }

  /** A group-less read_committed consumer of every partition of {@code topic}, at its start. */
  static <K, V> KafkaConsumer<K, V> fromStart(String bootstrap, Topic<K, V> topic) {
    KafkaConsumer<K, V> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer());
    List<TopicPartition> parts =
        c.partitionsFor(topic.name()).stream()
            .map(p -> new TopicPartition(topic.name(), p.partition()))
            .toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** Hands {@code sink} what {@code c} has not read yet, up to the current last stable offsets. */
  static <K, V> void readToEnd(KafkaConsumer<K, V> c, BiConsumer<K, V> sink) {
    Map<TopicPartition, Long> ends = c.endOffsets(c.assignment());
    while (ends.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<K, V> r : c.poll(Duration.ofMillis(200))) {
        sink.accept(r.key(), r.value());
      }
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}

package dev.runex.launcher.e2e;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
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
 * Audits from the topics themselves, read_committed, as a downstream user would: a pool's worker
 * lag (what its group has committed against what its topics hold), and every result up to the
 * results topic's committed end.
 */
final class TopicAudit {
  private TopicAudit() {}

  /** Whether the pool's worker group is stable (no rebalance under way) with {@code n} members. */
  static boolean workerGroupStable(RunexConfig cfg, String pool, int n)
      throws ExecutionException, InterruptedException {
    String group = cfg.topicPrefix() + "worker." + pool;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
      var d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
      return d.groupState() == org.apache.kafka.common.GroupState.STABLE && d.members().size() == n;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
        return false; // the coordinator answers so for a while around a rebalance: ask again
      }
      throw e;
    }
  }

  /**
   * The group instance ids (worker ids) of the pool's worker group's current members; null while
   * the coordinator does not find the group.
   */
  static java.util.Set<String> workerMembers(RunexConfig cfg, String pool)
      throws ExecutionException, InterruptedException {
    String group = cfg.topicPrefix() + "worker." + pool;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
      java.util.Set<String> ids = new java.util.TreeSet<>();
      admin
          .describeConsumerGroups(List.of(group))
          .describedGroups()
          .get(group)
          .get()
          .members()
          .forEach(m -> m.groupInstanceId().ifPresent(ids::add));
      return ids;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
        return null; // not known right now (see workerGroupStable): ask again
      }
      throw e;
    }
  }

  /**
   * Records of the pool's scheduled topics (every priority) that its worker group has not committed
   * yet. 0 means every job given to the pool is finished and committed, so no further result of
   * those jobs can appear.
   */
  static long workerLag(RunexConfig cfg, RunexTopics topics, String pool)
      throws ExecutionException, InterruptedException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
      List<String> names = new ArrayList<>();
      for (JobPriority p : JobPriority.values()) {
        names.add(topics.scheduled(pool, p).name());
      }
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
      var ends =
          admin
              .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get();
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(cfg.topicPrefix() + "worker." + pool)
              .partitionsToOffsetAndMetadata()
              .get();
      long lag = 0;
      for (var e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    }
  }

  /** Every committed result, by job id, read from the beginning to the topic's committed end. */
  static Map<String, List<JobResult>> allResults(RunexConfig cfg, RunexTopics topics) {
    var topic = topics.results();
    Map<String, List<JobResult>> out = new HashMap<>();
    try (KafkaConsumer<String, JobResult> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cfg.bootstrapServers(),
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
      Map<TopicPartition, Long> ends = c.endOffsets(parts); // the last stable offsets
      while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, JobResult> r : c.poll(Duration.ofMillis(200))) {
          out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
      }
    }
    return out;
  }
}

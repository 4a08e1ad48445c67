package dev.runex.launcher.e2e;

import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.JobPriority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Positive signals that a stage is done, for tests that assert something did not happen (no second
 * result, no stray job): rather than watching for a while, wait until a consumer group has
 * processed every record its input topics held when asked. Then whatever that stage will write
 * about those records is written, and a {@link ResultCollector#awaitCaughtUp caught-up} collector
 * has seen it.
 */
final class Settled {
  private static final Duration SCAN = Duration.ofMillis(200);

  private Settled() {}

  /** The worker pool's consumer group has processed every job on the pool's topics so far. */
  static void awaitWorkersDone(RunexConfig cfg, String pool, Duration atMost) {
    List<String> topics = new ArrayList<>();
    for (JobPriority priority : JobPriority.values()) {
      topics.add(cfg.topics().scheduled(pool, priority).name());
    }
    awaitProcessed(cfg, cfg.topicPrefix() + "worker." + pool, topics, atMost);
  }

  /** The topology has processed every record on its job-path inputs so far. */
  static void awaitTopologyDone(RunexConfig cfg, Duration atMost) {
    var t = cfg.topics();
    awaitProcessed(
        cfg,
        cfg.string(Settings.TOPOLOGY_APPLICATION_ID),
        List.of(
            t.intake().name(),
            t.validated().name(),
            t.retry().name(),
            t.admission().name(),
            t.feedback().name()),
        atMost);
  }

  /**
   * Waits until {@code group} has processed every record {@code topics} hold now: from its
   * committed offsets on, no committed record lies below the end offsets taken at the call.
   */
  static void awaitProcessed(
      RunexConfig cfg, String group, Collection<String> topics, Duration atMost) {
    try (Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()));
        KafkaConsumer<byte[], byte[]> reader = reader(cfg)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        for (PartitionInfo p : reader.partitionsFor(topic)) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
      }
      Map<TopicPartition, Long> ends = latestOffsets(admin, partitions);
      await(group + " processed " + topics)
          .atMost(atMost)
          .pollInterval(SCAN)
          .until(() -> nothingLeft(admin, reader, group, ends));
    }
  }

  private static boolean nothingLeft(
      Admin admin,
      KafkaConsumer<byte[], byte[]> reader,
      String group,
      Map<TopicPartition, Long> ends)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      TopicPartition tp = e.getKey();
      OffsetAndMetadata c = committed.get(tp);
      if (c != null && c.offset() >= e.getValue()) {
        continue;
      }
      // below the end there may only be transaction markers and aborted records left
      reader.assign(List.of(tp));
      if (c == null) {
        reader.seekToBeginning(List.of(tp));
      } else {
        reader.seek(tp, c.offset());
      }
      if (!reader.poll(SCAN).records(tp).stream().allMatch(r -> r.offset() >= e.getValue())
          || reader.position(tp) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static Map<TopicPartition, Long> latestOffsets(
      Admin admin, Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    try {
      Map<TopicPartition, Long> out = new HashMap<>();
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
          admin.listOffsets(latest).all().get().entrySet()) {
        out.put(e.getKey(), e.getValue().offset());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets", e);
    }
  }

  private static KafkaConsumer<byte[], byte[]> reader(RunexConfig cfg) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cfg.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            50),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }
}

package dev.runex.launcher.e2e;

import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads results, dead letters and events the way a downstream user does (read_committed, typed
 * serdes from {@link RunexTopics}) and keeps every record, duplicates included, so tests can count.
 */
final class ResultCollector implements AutoCloseable {
  final Map<String, List<JobResult>> results = new ConcurrentHashMap<>();

  /** When each result was read ({@link System#nanoTime()}), in reading order. */
  final List<Long> resultArrivals = java.util.Collections.synchronizedList(new ArrayList<>());

  final List<DeadLetterRecord> deadLetters = new CopyOnWriteArrayList<>();

  /**
   * Each job's lifecycle transitions, in order, one entry each ({@link Lifecycle#transitions}: a
   * record may carry several).
   */
  final Map<String, List<JobEvent>> events = new ConcurrentHashMap<>();

  /** Each job's lifecycle records, as read (one per transaction of a stage). */
  final Map<String, List<JobEvent>> eventRecords = new ConcurrentHashMap<>();

  private final List<Thread> threads = new ArrayList<>();
  private final List<KafkaConsumer<?, ?>> consumers = new CopyOnWriteArrayList<>();

  /** Each followed partition's position, as its reader last saw it. */
  private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();

  private final String bootstrapServers;
  private volatile boolean running = true;

  record DeadLetterRecord(String key, DeadLetter value) {}

  ResultCollector(RunexConfig cfg, RunexTopics topics) {
    this.bootstrapServers = cfg.bootstrapServers();
    follow(
        cfg,
        topics.results(),
        (k, v) -> {
          results.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(v);
          resultArrivals.add(System.nanoTime());
        });
    follow(
        cfg,
        topics.deadLetter(),
        (k, v) ->
            deadLetters.add(
                new DeadLetterRecord(k == null ? null : new String(k, StandardCharsets.UTF_8), v)));
    follow(
        cfg,
        topics.events(),
        (k, v) -> {
          eventRecords.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(v);
          events
              .computeIfAbsent(k, x -> new CopyOnWriteArrayList<>())
              .addAll(Lifecycle.transitions(v));
        });
  }

  int resultCount() {
    return results.values().stream().mapToInt(List::size).sum();
  }

  JobResult only(String id) {
    List<JobResult> r = results.get(id);
    return r == null || r.size() != 1 ? null : r.get(0);
  }

  /**
   * Waits until this collector has read every result, dead letter and event written so far (up to
   * the end offsets of their partitions now, once the transactions in that range are decided), so
   * that counting them says what the runtime wrote, not how far the readers got.
   */
  void awaitCaughtUp(Duration atMost) {
    Map<TopicPartition, Long> ends = endOffsets(positions.keySet());
    await("collector caught up with " + ends)
        .atMost(atMost)
        .until(
            () ->
                ends.entrySet().stream()
                    .allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue()));
  }

  private Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      Map<TopicPartition, Long> out = new java.util.HashMap<>();
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
          admin.listOffsets(latest).all().get().entrySet()) {
        out.put(e.getKey(), e.getValue().offset());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets", e);
    }
  }

  private <K, V> void follow(RunexConfig cfg, Topic<K, V> topic, BiConsumer<K, V> sink) {
    KafkaConsumer<K, V> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cfg.bootstrapServers(),
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
    parts.forEach(tp -> positions.put(tp, -1L));
    consumers.add(c);
    Thread t =
        new Thread(
            () -> {
              try {
                while (running) {
                  for (ConsumerRecord<K, V> r : c.poll(Duration.ofMillis(100))) {
                    sink.accept(r.key(), r.value());
                  }
                  for (TopicPartition tp : parts) {
                    positions.put(tp, c.position(tp));
                  }
                }
              } catch (WakeupException e) {
                // closing
              } finally {
                c.close();
              }
            },
            "collector-" + topic.name());
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumers.forEach(KafkaConsumer::wakeup);
    for (Thread t : threads) {
      t.join(5_000);
    }
  }
}

package dev.runex.gateway.overview;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.WorkerSettings;
import dev.runex.workers.offsets.CompletedOffsetsCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The backlog of every pool and priority, read from Kafka: for each partition of {@code
 * scheduled.<pool>[.high|.low]}, the records between the pool's worker group's committed offset and
 * the end (read_committed). Those records are read (up to {@value #READ_CAP} per partition):
 * transaction markers and offsets a worker already finished above its commit point (the commit
 * metadata lists them) are not counted, and each record's {@code dueAt} gives the oldest waiting
 * job's age. Beyond the cap the count is the offset difference, flagged inexact.
 */
public final class ScheduledTopicBacklog implements BacklogSource, AutoCloseable {
  static final int READ_CAP = 5_000;
  private static final Duration READ_TIME = Duration.ofSeconds(2);

  private final RunexConfig cfg;
  private final RunexTopics topics;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> consumer;

  public ScheduledTopicBacklog(RunexConfig cfg, RunexTopics topics) {
    this.cfg = cfg;
    this.topics = topics;
    this.admin = Clients.admin(cfg, "runex-gateway-backlog");
    this.consumer = Clients.unassigned(cfg, "runex-gateway-backlog");
  }

  @Override
  public synchronized List<Backlog> backlog() {
    List<Backlog> out = new ArrayList<>();
    for (String pool : cfg.pools()) {
      Map<TopicPartition, OffsetAndMetadata> committed = committed(pool);
      for (JobPriority priority : List.of(JobPriority.HIGH, JobPriority.NORMAL, JobPriority.LOW)) {
        out.add(measure(pool, priority, committed));
      }
    }
    return out;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String pool) {
    try {
      Map<TopicPartition, OffsetAndMetadata> m =
          admin
              .listConsumerGroupOffsets(WorkerSettings.groupId(cfg, pool))
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      return m == null ? Map.of() : m;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of(); // no worker of this pool has committed yet
      }
      throw new IllegalStateException("cannot read the offsets of pool " + pool + ": " + e, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot read the offsets of pool " + pool + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private Backlog measure(
      String pool, JobPriority priority, Map<TopicPartition, OffsetAndMetadata> committed) {
    var topic = topics.scheduled(pool, priority);
    List<TopicPartition> parts = Clients.partitions(consumer, cfg, topic.name());
    Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
    Map<TopicPartition, Long> begins = consumer.beginningOffsets(parts);
    Map<TopicPartition, Long> from = new HashMap<>();
    Map<TopicPartition, Set<Long>> finished = new HashMap<>();
    long estimate = 0;
    for (TopicPartition p : parts) {
      OffsetAndMetadata c = committed.get(p);
      long start = Math.max(c == null ? 0 : c.offset(), begins.get(p));
      from.put(p, start);
      estimate += Math.max(0, ends.get(p) - start);
      finished.put(p, c == null ? Set.of() : decode(c));
    }
    Deserializer<Job> jobs = topic.valueSerde().deserializer();
    Counted counted = read(parts, from, ends, finished, jobs, topic.name());
    String name = PriorityNames.of(priority);
    Duration oldest =
        counted.oldestDue == null
            ? null
            : Duration.between(counted.oldestDue, Instant.now()).isNegative()
                ? Duration.ZERO
                : Duration.between(counted.oldestDue, Instant.now());
    return counted.complete
        ? new Backlog(pool, name, counted.records, oldest, true)
        : new Backlog(pool, name, estimate, oldest, false);
  }

  private record Counted(long records, Instant oldestDue, boolean complete) {}

  private Counted read(
      List<TopicPartition> parts,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> ends,
      Map<TopicPartition, Set<Long>> finished,
      Deserializer<Job> jobs,
      String topicName) {
    List<TopicPartition> open = new ArrayList<>();
    for (TopicPartition p : parts) {
      if (from.get(p) < ends.get(p)) {
        if (ends.get(p) - from.get(p) > READ_CAP) {
          return new Counted(0, null, false);
        }
        open.add(p);
      }
    }
    if (open.isEmpty()) {
      return new Counted(0, null, true);
    }
    consumer.assign(open);
    open.forEach(p -> consumer.seek(p, from.get(p)));
    long records = 0;
    Instant oldest = null;
    long deadline = System.nanoTime() + READ_TIME.toNanos();
    List<TopicPartition> reading = new ArrayList<>(open);
    while (!reading.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        if (r.offset() >= ends.get(p) || finished.get(p).contains(r.offset())) {
          continue;
        }
        records++;
        Instant due = jobs.deserialize(topicName, r.value()).getDueAt();
        if (oldest == null || due.isBefore(oldest)) {
          oldest = due;
        }
      }
      reading.removeIf(p -> consumer.position(p) >= ends.get(p));
    }
    consumer.unsubscribe();
    return new Counted(records, oldest, reading.isEmpty());
  }

  private static Set<Long> decode(OffsetAndMetadata c) {
    try {
      Set<Long> out = new HashSet<>();
      for (long o : CompletedOffsetsCodec.decode(c.offset(), c.metadata())) {
        out.add(o);
      }
      return out;
    } catch (IllegalArgumentException e) {
      return Set.of(); // not written by a runex worker: count every record above the commit
    }
  }

  @Override
  public synchronized void close() {
    consumer.close();
    admin.close(Duration.ofSeconds(5));
  }
}

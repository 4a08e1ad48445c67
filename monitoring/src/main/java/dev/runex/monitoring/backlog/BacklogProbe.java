package dev.runex.monitoring.backlog;

import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the backlog of each pool × priority from Kafka alone, so any process that can reach the
 * broker (topology, worker, gateway) can publish it: per partition of {@code scheduled.<pool>},
 * {@code .high} and {@code .low}, the pool's worker group's committed offset against the topic's
 * last stable offset; the records in between are the jobs due and not yet done. The first of them
 * is read (a group-less {@code read_committed} consumer, see {@link HeadReader}) for its due time;
 * successive samples of the committed offsets give the completion rate ({@link DrainRate}).
 *
 * <p>Sampling runs on its own daemon thread every {@link Options#interval()}, never on a scrape:
 * scrapes read the latest {@link BacklogSample}. A sample costs one committed-offsets request per
 * pool, one list-offsets request, and one fetch per lagging partition.
 */
public final class BacklogProbe implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BacklogProbe.class);

  /**
   * @param interval time between samples
   * @param rateWindow the span of the completion rate behind the drain-time estimate
   * @param timeout the most one sample may spend on each Kafka request and on reading heads
   */
  public record Options(Duration interval, Duration rateWindow, Duration timeout) {}

  /** A worker group's committed offsets (absent: nothing committed on that partition). */
  @FunctionalInterface
  public interface CommittedOffsets {
    Map<TopicPartition, Long> of(String groupId, Duration timeout) throws Exception;
  }

  private final Map<PoolPriority, String> topics;
  private final Function<String, String> groupOfPool;
  private final Consumer<byte[], byte[]> consumer;
  private final CommittedOffsets committedOffsets;
  private final AutoCloseable admin;
  private final HeadReader heads;
  private final Options options;
  private final Clock clock;
  private final Map<PoolPriority, DrainRate> rates = new HashMap<>();
  private final Map<PoolPriority, BacklogSample> latest = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;
  private boolean failing;
  private volatile boolean closing;

  BacklogProbe(
      Map<PoolPriority, String> topics,
      Function<String, String> groupOfPool,
      Consumer<byte[], byte[]> consumer,
      CommittedOffsets committedOffsets,
      AutoCloseable admin,
      ToLongFunction<ConsumerRecord<byte[], byte[]>> dueTime,
      Options options,
      Clock clock) {
    this.topics = Map.copyOf(topics);
    this.groupOfPool = groupOfPool;
    this.consumer = consumer;
    this.committedOffsets = committedOffsets;
    this.admin = admin;
    this.heads = new HeadReader(consumer, dueTime);
    this.options = options;
    this.clock = clock;
    topics.keySet().forEach(k -> rates.put(k, new DrainRate(options.rateWindow().toMillis())));
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "runex-backlog-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A probe of these pools' backlogs (not started).
   *
   * @param groupOfPool the worker group of a pool
   * @param consumerConfig settings of the probe's consumer (bootstrap servers, security); the probe
   *     sets its own isolation, deserializers and fetch sizes, and never joins a group
   * @param adminConfig settings of the admin client that reads the groups' committed offsets
   */
  public static BacklogProbe create(
      RunexTopics runexTopics,
      Collection<String> pools,
      Function<String, String> groupOfPool,
      Map<String, Object> consumerConfig,
      Map<String, Object> adminConfig,
      Options options) {
    Map<PoolPriority, String> topics = new LinkedHashMap<>();
    for (PoolPriority b : PoolPriority.of(pools)) {
      topics.put(b, runexTopics.scheduled(b.pool(), b.priority()).name());
    }
    Admin admin = Admin.create(adminConfig);
    // every scheduled topic carries Confluent-framed Jobs: one deserializer reads them all
    Deserializer<Job> jobs = runexTopics.scheduled("any").valueSerde().deserializer();
    return new BacklogProbe(
        topics,
        groupOfPool,
        new KafkaConsumer<>(
            probeConsumerConfig(consumerConfig),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer()),
        committedOffsets(admin),
        admin,
        record -> dueTime(jobs, record),
        options,
        Clock.systemUTC());
  }

  /** A worker group's committed offsets, from the admin client. */
  private static CommittedOffsets committedOffsets(Admin admin) {
    return (group, timeout) -> {
      Map<TopicPartition, OffsetAndMetadata> offsets;
      try {
        offsets =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof GroupIdNotFoundException) {
          return Map.of(); // no worker of the pool ever ran: everything waits from the log start
        }
        throw e;
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      offsets.forEach(
          (tp, om) -> {
            if (om != null) {
              out.put(tp, om.offset());
            }
          });
      return out;
    };
  }

  static Map<String, Object> probeConsumerConfig(Map<String, Object> given) {
    Map<String, Object> c = new HashMap<>(given);
    // never a member of any group: the probe only reads, and must not disturb the workers' groups
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // workers see committed jobs only, so only those wait
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.putIfAbsent(
        ConsumerConfig.CLIENT_ID_CONFIG, "runex-backlog-probe-" + ProcessHandle.current().pid());
    // one small fetch per lagging partition and sample: enough to count a short backlog exactly
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    return c;
  }

  /** The job's due time; a record that does not decode counts from when it was written. */
  static long dueTime(Deserializer<Job> jobs, ConsumerRecord<byte[], byte[]> record) {
    try {
      Job job = jobs.deserialize(record.topic(), record.value());
      if (job != null) {
        return job.getDueAt().toEpochMilli();
      }
    } catch (RuntimeException e) {
      log.debug(
          "backlog probe: cannot decode {}-{}@{}",
          record.topic(),
          record.partition(),
          record.offset(),
          e);
    }
    return record.timestamp();
  }

  /** Starts sampling now and every {@link Options#interval()}. */
  public BacklogProbe start() {
    long every = options.interval().toMillis();
    thread.scheduleWithFixedDelay(this::sampleSafely, 0, every, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The backlogs this probe samples. */
  public Set<PoolPriority> backlogs() {
    return topics.keySet();
  }

  /** The latest sample of a backlog; empty before the first one. */
  public Optional<BacklogSample> latest(PoolPriority backlog) {
    return Optional.ofNullable(latest.get(backlog));
  }

  private void sampleSafely() {
    try {
      sampleOnce();
      if (failing) {
        log.info("backlog probe: sampling works again");
        failing = false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (WakeupException | InterruptException e) {
      if (!closing) {
        log.warn("backlog probe: sampling interrupted", e);
      }
    } catch (Exception e) {
      // keep the last samples; say so once per outage, not every interval
      if (!failing) {
        log.warn(
            "backlog probe: sampling failed, the backlog meters keep their last values: {}",
            e.toString());
        failing = true;
      } else {
        log.debug("backlog probe: sampling still fails", e);
      }
    }
  }

  /** One round over every backlog (on the probe's thread; tests call it directly). */
  void sampleOnce() throws Exception {
    long now = clock.millis();
    Map<PoolPriority, List<TopicPartition>> partitions = partitions();
    Set<TopicPartition> all = new HashSet<>();
    partitions.values().forEach(all::addAll);
    Map<TopicPartition, Long> end = consumer.endOffsets(all, options.timeout());
    Map<TopicPartition, Long> from = resumePoints(partitions, all);
    Map<TopicPartition, Long> lagging = new HashMap<>();
    for (TopicPartition tp : all) {
      if (end.get(tp) > from.get(tp)) {
        lagging.put(tp, from.get(tp));
      }
    }
    Map<TopicPartition, PartitionBacklog> read =
        lagging.isEmpty() ? Map.of() : heads.read(lagging, end, options.timeout());
    for (Map.Entry<PoolPriority, List<TopicPartition>> e : partitions.entrySet()) {
      List<PartitionBacklog> parts = new ArrayList<>();
      for (TopicPartition tp : e.getValue()) {
        parts.add(read.getOrDefault(tp, PartitionBacklog.caughtUp(from.get(tp), end.get(tp))));
      }
      latest.put(e.getKey(), BacklogSample.of(parts, rates.get(e.getKey()), now));
    }
  }

  private Map<PoolPriority, List<TopicPartition>> partitions() {
    Map<PoolPriority, List<TopicPartition>> out = new LinkedHashMap<>();
    topics.forEach(
        (backlog, topic) -> {
          List<TopicPartition> tps = new ArrayList<>();
          List<PartitionInfo> infos = consumer.partitionsFor(topic, options.timeout());
          for (PartitionInfo p : infos == null ? List.<PartitionInfo>of() : infos) {
            tps.add(new TopicPartition(topic, p.partition()));
          }
          out.put(backlog, tps);
        });
    return out;
  }

  /**
   * Where each pool's worker group resumes: its committed offsets, or the log start where it has
   * committed nothing (workers start there: auto.offset.reset=earliest).
   */
  private Map<TopicPartition, Long> resumePoints(
      Map<PoolPriority, List<TopicPartition>> partitions, Set<TopicPartition> all)
      throws Exception {
    Map<TopicPartition, Long> from = new HashMap<>();
    Set<String> pools = new HashSet<>();
    partitions.keySet().forEach(b -> pools.add(b.pool()));
    for (String pool : pools) {
      committedOffsets.of(groupOfPool.apply(pool), options.timeout()).forEach(from::put);
    }
    from.keySet().retainAll(all);
    Set<TopicPartition> uncommitted = new HashSet<>(all);
    uncommitted.removeAll(from.keySet());
    if (!uncommitted.isEmpty()) {
      from.putAll(consumer.beginningOffsets(uncommitted, options.timeout()));
    }
    return from;
  }

  @Override
  public void close() {
    closing = true;
    thread.shutdownNow();
    consumer.wakeup();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("backlog probe: sampling thread did not stop in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
    try {
      admin.close();
    } catch (Exception e) {
      log.debug("backlog probe: closing the admin client", e);
    }
  }
}

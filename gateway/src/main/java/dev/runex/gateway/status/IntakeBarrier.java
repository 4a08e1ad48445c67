package dev.runex.gateway.status;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.kafka.Clients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes across gateway replicas for a job none of a replica's own ways knows of ({@link
 * FoldWait}): a job written a moment ago through another replica, or straight to Kafka, that the
 * topology has not read from intake yet. A read of such a job takes a {@link Crossing}: it marks
 * how far intake reaches when the read begins, and is crossed once the topology's jobs application
 * has committed its reading of intake up to there and this gateway has then read the lifecycle
 * records up to where they reached at that moment. The topology commits its intake offsets in the
 * transaction that writes a job's first lifecycle record, so after the crossing a job written
 * before the read began is known to the status API or was read in the lifecycle records (and the
 * fold wait takes over) — or was never written.
 *
 * <p>Every partition of intake is marked, not only the one a job keyed by its id goes to: records
 * written straight to Kafka may be keyed or partitioned otherwise. The topology's committed offsets
 * are asked for at most every {@link JobQueries#FOLD_POLL}, for all reads waiting at once. A
 * crossing whose offsets Kafka does not tell (it is down, the request times out) counts as crossed:
 * the read is answered as it would be without the barrier.
 */
public final class IntakeBarrier implements JobQueries.ReadBarrier, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IntakeBarrier.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** The offsets the barrier compares, as Kafka tells them (a test gives its own). */
  public interface Offsets {
    /** The last stable offset of every partition of {@code topic}, now. */
    Map<TopicPartition, Long> ends(String topic) throws Exception;

    /** What {@code group} has committed on the partitions of {@code topic} (absent: nothing). */
    Map<TopicPartition, Long> committed(String group, String topic) throws Exception;
  }

  private final Offsets offsets;
  private final String intake;
  private final String events;
  private final String topologyGroup;
  private final Predicate<Map<TopicPartition, Long>> eventsRead;
  private final LongSupplier nanoTime;
  private final AutoCloseable resources;
  private Map<TopicPartition, Long> committed;
  private long committedAt;

  /**
   * @param topologyGroup the jobs application's group ({@code runex.topology.applicationId})
   * @param eventsRead whether this gateway has read the lifecycle records up to the given offsets
   * @param nanoTime a monotonic clock ({@link System#nanoTime})
   * @param resources closed with the barrier
   */
  public IntakeBarrier(
      Offsets offsets,
      String intake,
      String events,
      String topologyGroup,
      Predicate<Map<TopicPartition, Long>> eventsRead,
      LongSupplier nanoTime,
      AutoCloseable resources) {
    this.offsets = offsets;
    this.intake = intake;
    this.events = events;
    this.topologyGroup = topologyGroup;
    this.eventsRead = eventsRead;
    this.nanoTime = nanoTime;
    this.resources = resources;
  }

  /** A barrier on the runtime's topics, asking Kafka through an admin client of its own. */
  public static IntakeBarrier of(
      RunexConfig cfg,
      String intake,
      String events,
      Predicate<Map<TopicPartition, Long>> eventsRead) {
    Admin admin = Clients.admin(cfg, "runex-gateway-barrier");
    return new IntakeBarrier(
        new AdminOffsets(admin),
        intake,
        events,
        cfg.string(Settings.TOPOLOGY_APPLICATION_ID),
        eventsRead,
        System::nanoTime,
        admin);
  }

  @Override
  public Crossing begin() {
    try {
      return new Crossing(offsets.ends(intake));
    } catch (Exception e) {
      return unknown(e);
    }
  }

  private Crossing unknown(Exception e) {
    log.debug("cannot tell how far intake was read; a status read does not wait for it", e);
    Crossing c = new Crossing(null);
    c.crossed = true;
    return c;
  }

  /** The jobs application's committed intake offsets, asked again when older than a poll. */
  private synchronized Map<TopicPartition, Long> committed() throws Exception {
    long now = nanoTime.getAsLong();
    if (committed == null || now - committedAt >= JobQueries.FOLD_POLL.toNanos()) {
      committed = offsets.committed(topologyGroup, intake);
      committedAt = now;
    }
    return committed;
  }

  /** Whether {@code at} is at or past every offset of {@code marks}. */
  static boolean reached(Map<TopicPartition, Long> at, Map<TopicPartition, Long> marks) {
    for (Map.Entry<TopicPartition, Long> m : marks.entrySet()) {
      if (m.getValue() > 0 && at.getOrDefault(m.getKey(), 0L) < m.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** One read's wait: intake marked when it began. */
  public final class Crossing implements JobQueries.ReadBarrier.Crossing {
    private final Map<TopicPartition, Long> intakeMarks;
    private Map<TopicPartition, Long> eventsMarks;
    private boolean crossed;

    private Crossing(Map<TopicPartition, Long> intakeMarks) {
      this.intakeMarks = intakeMarks;
    }

    @Override
    public boolean crossed() {
      if (crossed) {
        return true;
      }
      try {
        if (eventsMarks == null) {
          if (!reached(committed(), intakeMarks)) {
            return false;
          }
          eventsMarks = offsets.ends(events);
        }
        crossed = eventsRead.test(eventsMarks);
        return crossed;
      } catch (Exception e) {
        log.debug("cannot tell how far intake was read; a status read stops waiting for it", e);
        crossed = true;
        return true;
      }
    }
  }

  @Override
  public void close() throws Exception {
    if (resources != null) {
      resources.close();
    }
  }

  /** {@link Offsets} from an admin client: read_committed end offsets, the group's commits. */
  static final class AdminOffsets implements Offsets {
    private static final Duration PARTITIONS_KEPT = Duration.ofMinutes(1);
    private final Admin admin;
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();
    private final Map<String, Long> partitionsAt = new HashMap<>();

    AdminOffsets(Admin admin) {
      this.admin = admin;
    }

    @Override
    public Map<TopicPartition, Long> ends(String topic) throws Exception {
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      for (TopicPartition p : partitions(topic)) {
        query.put(p, OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new HashMap<>();
      admin
          .listOffsets(
              query,
              new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)
                  .timeoutMs((int) REQUEST_TIMEOUT.toMillis()))
          .all()
          .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((p, info) -> out.put(p, info.offset()));
      return out;
    }

    @Override
    public Map<TopicPartition, Long> committed(String group, String topic) throws Exception {
      Map<TopicPartition, OffsetAndMetadata> all =
          admin
              .listConsumerGroupOffsets(
                  group,
                  new ListConsumerGroupOffsetsOptions().timeoutMs((int) REQUEST_TIMEOUT.toMillis()))
              .partitionsToOffsetAndMetadata()
              .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> out = new HashMap<>();
      all.forEach(
          (p, o) -> {
            if (p.topic().equals(topic) && o != null) {
              out.put(p, o.offset());
            }
          });
      return out;
    }

    private synchronized List<TopicPartition> partitions(String topic) throws Exception {
      long now = System.currentTimeMillis();
      Long at = partitionsAt.get(topic);
      if (at == null || now - at > PARTITIONS_KEPT.toMillis()) {
        TopicDescription d =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic);
        partitions.put(
            topic,
            d.partitions().stream().map(i -> new TopicPartition(topic, i.partition())).toList());
        partitionsAt.put(topic, now);
      }
      return partitions.get(topic);
    }
  }
}

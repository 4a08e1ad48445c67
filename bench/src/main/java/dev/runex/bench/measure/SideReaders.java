package dev.runex.bench.measure;

import dev.runex.bench.subject.SystemUnderTest.SideReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a system's consumers off the result path have read their topics to the end, by their
 * committed offsets. A committed offset stops at a transaction's closing marker (it is the offset
 * after the last record the group processed), so a partition counts as read once its committed
 * offset is at most one short of its read_committed end.
 */
public final class SideReaders {
  private static final Duration CHECK_EVERY = Duration.ofMillis(200);
  private static final long ADMIN_TIMEOUT_SECONDS = 30;

  private SideReaders() {}

  /**
   * The time from {@code started} (a {@link System#nanoTime} value) until every reader had read its
   * topic to the end; empty when {@code timeout} passed first.
   */
  public static Optional<Duration> awaitCaughtUp(
      String bootstrapServers, List<SideReader> readers, long started, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<SideReader, List<TopicPartition>> partitions = new HashMap<>();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      while (System.nanoTime() < deadline) {
        if (readers.stream().allMatch(r -> caughtUp(admin, r, partitions))) {
          return Optional.of(Duration.ofNanos(System.nanoTime() - started));
        }
        Thread.sleep(CHECK_EVERY.toMillis());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code reader} has read its topic to the end; its partitions are looked up once, into
   * {@code known}.
   */
  private static boolean caughtUp(
      Admin admin, SideReader reader, Map<SideReader, List<TopicPartition>> known) {
    try {
      List<TopicPartition> partitions = known.get(reader);
      if (partitions == null) {
        partitions = TopicOffsets.partitions(admin, List.of(reader.topic()));
        known.put(reader, partitions);
      }
      Map<TopicPartition, Long> ends =
          TopicOffsets.ends(admin, partitions, IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(reader.groupId())
              .partitionsToOffsetAndMetadata()
              .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return ends.entrySet().stream().allMatch(e -> read(e.getValue(), committed.get(e.getKey())));
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false; // the group or topic is not there yet, or the broker is busy: ask again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Whether a partition ending at {@code end} is read, given the group's committed offset there.
   */
  static boolean read(long end, OffsetAndMetadata committed) {
    if (end == 0) {
      return true;
    }
    return committed != null && committed.offset() >= end - 1;
  }
}

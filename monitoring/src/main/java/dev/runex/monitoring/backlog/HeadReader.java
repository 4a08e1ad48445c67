package dev.runex.monitoring.backlog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the head of each lagging partition: seeks a group-less {@code read_committed} consumer to
 * where the worker group will resume and takes what one fetch brings, so the first waiting job's
 * due time is known and the waiting records are counted (exactly, when the fetch reaches the end).
 * A partition is paused as soon as its first records arrive, so each costs about one fetch (bounded
 * by the consumer's {@code max.partition.fetch.bytes}) per sample, however long its backlog.
 */
final class HeadReader {
  private static final Duration POLL = Duration.ofMillis(100);

  private final Consumer<byte[], byte[]> consumer;
  private final ToLongFunction<ConsumerRecord<byte[], byte[]>> dueTime;

  /**
   * @param dueTime the due time (epoch millis) of a waiting record
   */
  HeadReader(
      Consumer<byte[], byte[]> consumer, ToLongFunction<ConsumerRecord<byte[], byte[]>> dueTime) {
    this.consumer = consumer;
    this.dueTime = dueTime;
  }

  /**
   * Reads from {@code from} towards {@code end} on each partition, for at most {@code budget};
   * partitions not reached in time come back unread.
   */
  Map<TopicPartition, PartitionBacklog> read(
      Map<TopicPartition, Long> from, Map<TopicPartition, Long> end, Duration budget) {
    Map<TopicPartition, Long> counted = new HashMap<>();
    Map<TopicPartition, Long> firstDue = new HashMap<>();
    Set<TopicPartition> open = new HashSet<>(from.keySet());
    consumer.assign(from.keySet());
    from.forEach(consumer::seek);
    long deadline = System.nanoTime() + budget.toNanos();
    try {
      while (!open.isEmpty() && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        for (TopicPartition tp : polled.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
          counted.merge(tp, (long) records.size(), Long::sum);
          firstDue.computeIfAbsent(tp, p -> dueTime.applyAsLong(records.get(0)));
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : open) {
          // reached: records came, or only markers / aborted records lay before the end
          if (firstDue.containsKey(tp) || consumer.position(tp) >= end.get(tp)) {
            done.add(tp);
          }
        }
        consumer.pause(done);
        done.forEach(open::remove);
      }
      Map<TopicPartition, PartitionBacklog> out = new HashMap<>();
      for (Map.Entry<TopicPartition, Long> e : from.entrySet()) {
        TopicPartition tp = e.getKey();
        long committed = e.getValue();
        long last = end.get(tp);
        out.put(
            tp,
            open.contains(tp)
                ? PartitionBacklog.unread(committed, last)
                : new PartitionBacklog(
                    committed,
                    last,
                    true,
                    counted.getOrDefault(tp, 0L),
                    consumer.position(tp),
                    firstDue.containsKey(tp)
                        ? OptionalLong.of(firstDue.get(tp))
                        : OptionalLong.empty()));
      }
      return out;
    } finally {
      // nothing is fetched between samples
      consumer.assign(List.of());
    }
  }
}

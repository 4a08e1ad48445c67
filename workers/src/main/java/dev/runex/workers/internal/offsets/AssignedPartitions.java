package dev.runex.workers.internal.offsets;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The partitions a worker owns and their offset state: what to commit, where to rewind to, how far
 * each ran ahead. Not thread-safe: the poll loop owns it.
 */
public final class AssignedPartitions {
  private final Map<TopicPartition, AssignedPartition> byPartition = new HashMap<>();

  public AssignedPartition add(TopicPartition partition, OffsetTracker tracker) {
    AssignedPartition p = new AssignedPartition(partition, tracker);
    byPartition.put(partition, p);
    return p;
  }

  /** The partition's state, or null when it is not assigned. */
  public AssignedPartition get(TopicPartition partition) {
    return byPartition.get(partition);
  }

  public Set<TopicPartition> partitions() {
    return Set.copyOf(byPartition.keySet());
  }

  public Collection<AssignedPartition> all() {
    return byPartition.values();
  }

  public void remove(Collection<TopicPartition> partitions) {
    partitions.forEach(byPartition::remove);
  }

  /** Commit point and completed-offsets metadata of every partition that made progress. */
  public Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    byPartition.forEach(
        (tp, p) -> {
          OffsetAndMetadata commit = p.tracker().toCommit();
          if (commit != null) {
            out.put(tp, commit);
          }
        });
    return out;
  }

  /** {@code offsets} (from {@link #offsetsToCommit()}) were committed. */
  public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, commit) -> {
          AssignedPartition p = byPartition.get(tp);
          if (p != null) {
            p.tracker().committed(commit);
          }
        });
  }

  /** Rewinds every partition to its last commit; returns the offsets to seek to. */
  public Map<TopicPartition, Long> rewindAll() {
    Map<TopicPartition, Long> seeks = new HashMap<>();
    byPartition.forEach(
        (tp, p) -> {
          long offset = p.rewind();
          if (offset >= 0) {
            seeks.put(tp, offset);
          }
        });
    return seeks;
  }

  /** Per partition, offsets fetched beyond the commit point. */
  public Map<TopicPartition, Long> spans() {
    Map<TopicPartition, Long> out = new HashMap<>();
    byPartition.forEach((tp, p) -> out.put(tp, p.tracker().span()));
    return out;
  }
}

package dev.runex.topology.monitoring;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The store partitions a Kafka Streams client is restoring from their changelogs right now (active
 * tasks and global stores; standby updates are not restorations). Registered as the client's global
 * restore listener, called from its stream and state-updater threads.
 */
public final class RestoringStores implements StateRestoreListener {
  private final Set<String> restoring = ConcurrentHashMap.newKeySet();

  @Override
  public void onRestoreStart(
      TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
    restoring.add(key(partition, storeName));
  }

  @Override
  public void onBatchRestored(
      TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {}

  @Override
  public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
    restoring.remove(key(partition, storeName));
  }

  /** The task moved elsewhere (or was closed) before its store caught up. */
  @Override
  public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
    restoring.remove(key(partition, storeName));
  }

  public int count() {
    return restoring.size();
  }

  private static String key(TopicPartition partition, String storeName) {
    return storeName + "@" + partition;
  }
}

package dev.runex.workers.internal.offsets;

import org.apache.kafka.common.TopicPartition;

/** One partition this worker owns, with its offset state (replaced on a rewind). */
public final class AssignedPartition {
  private final TopicPartition partition;
  private OffsetTracker tracker;

  AssignedPartition(TopicPartition partition, OffsetTracker tracker) {
    this.partition = partition;
    this.tracker = tracker;
  }

  public TopicPartition partition() {
    return partition;
  }

  public OffsetTracker tracker() {
    return tracker;
  }

  /** Back to the last commit; returns where to seek (-1: nothing was fetched, no seek needed). */
  long rewind() {
    tracker = tracker.rewound();
    return tracker.resumeOffset();
  }
}

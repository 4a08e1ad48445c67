package dev.runex.workers.allocation;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides which partitions the consumer must not fetch from. Two limits: the records fetched but
 * not started ({@code runex.worker.maxBufferedRecords}: above it every partition pauses, and they
 * resume once the buffer has drained below half, so fetching does not flap), and per partition
 * how far fetching ran ahead of the commit point ({@code runex.worker.maxUncommittedOffsets}:
 * that window bounds the commit metadata).
 *
 * @param <P> partition identifier
 */
public final class FlowControl<P> {
  private final int maxBuffered;
  private final long maxUncommitted;
  private boolean backPressured;

  public FlowControl(int maxBuffered, long maxUncommitted) {
    if (maxBuffered < 1 || maxUncommitted < 1) {
      throw new IllegalArgumentException("limits must be >= 1, were " + maxBuffered + " and " + maxUncommitted);
    }
    this.maxBuffered = maxBuffered;
    this.maxUncommitted = maxUncommitted;
  }

  /**
   * The partitions to keep paused.
   *
   * @param buffered records fetched and not started
   * @param spans per assigned partition, offsets fetched beyond its commit point
   */
  public Set<P> partitionsToPause(int buffered, Map<P, Long> spans) {
    if (buffered > maxBuffered) {
      backPressured = true;
    } else if (backPressured && buffered <= maxBuffered / 2) {
      backPressured = false;
    }
    if (backPressured) {
      return new HashSet<>(spans.keySet());
    }
    Set<P> paused = new HashSet<>();
    spans.forEach(
        (partition, span) -> {
          if (span >= maxUncommitted) {
            paused.add(partition);
          }
        });
    return paused;
  }

  public boolean backPressured() {
    return backPressured;
  }
}

package dev.runex.monitoring.backlog;

import java.util.OptionalLong;

/**
 * What one sample found on one partition of a scheduled topic.
 *
 * @param committed where the pool's worker group will resume (its committed offset; the log start
 *     when the group has not committed on this partition yet)
 * @param end the last stable offset ({@code read_committed} end): nothing at or after it is visible
 *     to workers yet
 * @param read whether the waiting records were read from {@code committed} on (false: no time to
 *     read them this round; the count is then the offset difference)
 * @param counted records read, from the first waiting one on
 * @param position the reader's position after them (past any transaction markers it skipped)
 * @param firstDueMillis due time of the first waiting record, when one was read
 */
public record PartitionBacklog(
    long committed,
    long end,
    boolean read,
    long counted,
    long position,
    OptionalLong firstDueMillis) {

  /** A partition where the group has caught up: nothing to read. */
  public static PartitionBacklog caughtUp(long committed, long end) {
    return new PartitionBacklog(
        committed, end, true, 0, Math.max(committed, end), OptionalLong.empty());
  }

  /** A partition that lags but could not be read in time. */
  public static PartitionBacklog unread(long committed, long end) {
    return new PartitionBacklog(committed, end, false, 0, committed, OptionalLong.empty());
  }

  /** The offset lag, as Kafka's consumer-lag tools count it (transaction markers included). */
  public long offsetLag() {
    return Math.max(0, end - committed);
  }

  /**
   * Jobs waiting here. Offsets also number transaction markers (one per producer transaction that
   * wrote to the partition), so records are counted where they were read, and only the part beyond
   * what was read is estimated from offsets. Exact when the read reached {@code end}.
   */
  public long waiting() {
    if (offsetLag() == 0) {
      return 0;
    }
    if (!read) {
      return offsetLag();
    }
    return counted + Math.max(0, end - position);
  }

  /** Whether {@link #waiting()} was counted record by record (the read reached the end). */
  public boolean exact() {
    return offsetLag() == 0 || (read && position >= end);
  }
}

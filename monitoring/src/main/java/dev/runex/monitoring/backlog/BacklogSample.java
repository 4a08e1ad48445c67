package dev.runex.monitoring.backlog;

import java.util.Collection;
import java.util.OptionalLong;

/**
 * One backlog (pool × priority) as one probe round saw it.
 *
 * @param sampledAtMillis when the round ran
 * @param waiting jobs due and not yet done (see {@link PartitionBacklog#waiting()})
 * @param oldestDueMillis due time of the oldest job at the head of a partition; empty when none
 *     waits (or none could be read)
 * @param offsetLag the offset lag summed over the partitions
 * @param drainSeconds estimated seconds to drain the lag at the recent completion rate (see {@link
 *     DrainRate#drainSeconds})
 * @param exact whether {@code waiting} was counted record by record on every partition (false:
 *     partly estimated from offsets)
 */
public record BacklogSample(
    long sampledAtMillis,
    long waiting,
    OptionalLong oldestDueMillis,
    long offsetLag,
    double drainSeconds,
    boolean exact) {

  /** Combines the partitions of one backlog and feeds its completion rate. */
  public static BacklogSample of(
      Collection<PartitionBacklog> partitions, DrainRate rate, long now) {
    long waiting = 0;
    long lag = 0;
    long committed = 0;
    long oldest = Long.MAX_VALUE;
    boolean exact = true;
    for (PartitionBacklog p : partitions) {
      exact &= p.exact();
      waiting += p.waiting();
      lag += p.offsetLag();
      committed += p.committed();
      if (p.waiting() > 0 && p.firstDueMillis().isPresent()) {
        oldest = Math.min(oldest, p.firstDueMillis().getAsLong());
      }
    }
    double perSecond = rate.record(now, committed);
    return new BacklogSample(
        now,
        waiting,
        oldest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(oldest),
        lag,
        DrainRate.drainSeconds(lag, perSecond),
        exact);
  }

  /**
   * Seconds the oldest waiting job has waited at {@code nowMillis}: it keeps growing between
   * samples; 0 when nothing waits; NaN when jobs wait but none could be read.
   */
  public double oldestAgeSeconds(long nowMillis) {
    if (waiting == 0) {
      return 0;
    }
    if (oldestDueMillis.isEmpty()) {
      return Double.NaN;
    }
    return Math.max(0, nowMillis - oldestDueMillis.getAsLong()) / 1000.0;
  }
}

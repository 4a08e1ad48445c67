package dev.runex.topology.queueing;

import dev.runex.monitoring.backlog.PoolPriority;
import dev.runex.schemas.Job;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What one task's delay index holds, per pool and priority: how many jobs, and when the next falls
 * due. Kept up to date by the task as it puts and deletes entries (the store itself may only be
 * touched from its stream thread, and scanning it per scrape would cost a pass over every waiting
 * job). Due times are kept per second, as a count per second that has jobs: the next due time is
 * exact to the second, and memory grows with the distinct seconds, not with the jobs.
 *
 * <p>Written by the task's stream thread, read by scrapes: methods are synchronized.
 */
public final class DelayedJobCounts {
  private static final class Group {
    long count;
    final TreeMap<Long, long[]> bySecond = new TreeMap<>();
  }

  private final Map<PoolPriority, Group> groups = new HashMap<>();

  public synchronized void add(Job job) {
    Group g = groups.computeIfAbsent(backlogOf(job), k -> new Group());
    g.count++;
    g.bySecond.computeIfAbsent(secondOf(job), s -> new long[1])[0]++;
  }

  /**
   * Forgets a job put with {@link #add}; a job it never saw (e.g. written around it) is ignored.
   */
  public synchronized void remove(Job job) {
    PoolPriority key = backlogOf(job);
    Group g = groups.get(key);
    if (g == null) {
      return;
    }
    long second = secondOf(job);
    long[] n = g.bySecond.get(second);
    if (n == null) {
      return;
    }
    g.count--;
    if (--n[0] == 0) {
      g.bySecond.remove(second);
    }
    if (g.count == 0) {
      groups.remove(key);
    }
  }

  public synchronized long count(PoolPriority backlog) {
    Group g = groups.get(backlog);
    return g == null ? 0 : g.count;
  }

  /** The start of the earliest second in which a job of this backlog falls due. */
  public synchronized OptionalLong earliestDueMillis(PoolPriority backlog) {
    Group g = groups.get(backlog);
    return g == null ? OptionalLong.empty() : OptionalLong.of(g.bySecond.firstKey() * 1000);
  }

  public synchronized long total() {
    return groups.values().stream().mapToLong(g -> g.count).sum();
  }

  private static PoolPriority backlogOf(Job job) {
    return new PoolPriority(job.getPool(), job.getPriority());
  }

  private static long secondOf(Job job) {
    return Math.floorDiv(job.getDueAt().toEpochMilli(), 1000L);
  }
}

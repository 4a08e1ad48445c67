package dev.runex.topology.queueing;

import dev.runex.monitoring.backlog.DelayedBacklog;
import dev.runex.monitoring.backlog.PoolPriority;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The delayed jobs of every delay-index task this process runs (active tasks only: standbys keep a
 * copy, not a queue), as the backlog meters read them. Each topology instance counts its own tasks;
 * summed over instances (Prometheus: {@code sum by (pool, priority)}) the counts cover the whole
 * index.
 */
public final class DelayedBacklogs implements DelayedBacklog {
  private final Map<TaskId, DelayedJobCounts> byTask = new ConcurrentHashMap<>();

  /** A task took its delay index: fresh counts for it (the task fills them from its store). */
  public DelayedJobCounts start(TaskId task) {
    DelayedJobCounts counts = new DelayedJobCounts();
    byTask.put(task, counts);
    return counts;
  }

  /** A task gave its delay index up (closed, or moved elsewhere): drops the counts it started. */
  public void stop(TaskId task, DelayedJobCounts counts) {
    byTask.remove(task, counts);
  }

  @Override
  public long delayed(PoolPriority backlog) {
    return byTask.values().stream().mapToLong(c -> c.count(backlog)).sum();
  }

  @Override
  public OptionalLong nextDueMillis(PoolPriority backlog) {
    return byTask.values().stream()
        .map(c -> c.earliestDueMillis(backlog))
        .filter(OptionalLong::isPresent)
        .mapToLong(OptionalLong::getAsLong)
        .min();
  }
}

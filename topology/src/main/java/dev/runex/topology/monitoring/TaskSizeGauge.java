package dev.runex.topology.monitoring;

import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.TaskId;

/**
 * A gauge of jobs held in one kind of store (the delay index, the quota gate's waiting queues)
 * across the tasks this instance runs. Each task counts its own puts and removals (stores may only
 * be touched from their stream thread, so the gauge cannot ask them); approximate by design — a
 * task starts from the store's own estimate.
 */
public final class TaskSizeGauge {
  private final Map<TaskId, AtomicLong> byTask = new ConcurrentHashMap<>();

  private TaskSizeGauge() {}

  /** A new size tracker, published as {@code meter} (a gauge without tags) in {@code registry}. */
  public static TaskSizeGauge register(MeterRegistry registry, RunexMeters meter) {
    TaskSizeGauge size = new TaskSizeGauge();
    Gauge.builder(meter.meterName(), size, TaskSizeGauge::total)
        .description(meter.description())
        .strongReference(true)
        .register(registry);
    return size;
  }

  public void start(TaskId task, long estimate) {
    byTask.put(task, new AtomicLong(Math.max(0L, estimate)));
  }

  public void add(TaskId task, long delta) {
    AtomicLong n = byTask.get(task);
    if (n != null) {
      n.updateAndGet(v -> Math.max(0L, v + delta));
    }
  }

  public void stop(TaskId task) {
    byTask.remove(task);
  }

  public long total() {
    return byTask.values().stream().mapToLong(AtomicLong::get).sum();
  }
}

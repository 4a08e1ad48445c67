package dev.runex.topology.queueing;

import dev.runex.schemas.metrics.RunexMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The {@link RunexMeters#QUEUE_DELAY_INDEX_SIZE} gauge: jobs waiting in the delay-index stores of
 * the tasks this instance runs. Each task counts its own puts and releases (stores may only be
 * touched from their stream thread, so the gauge cannot ask them); approximate by design — a task
 * starts from the store's own estimate.
 */
public final class DelayIndexSize {
  private final Map<TaskId, AtomicLong> byTask = new ConcurrentHashMap<>();

  private DelayIndexSize() {}

  /** A new size tracker, published as the gauge in {@code registry}. */
  public static DelayIndexSize register(MeterRegistry registry) {
    DelayIndexSize size = new DelayIndexSize();
    Gauge.builder(RunexMeters.QUEUE_DELAY_INDEX_SIZE.meterName(), size, DelayIndexSize::total)
        .description(RunexMeters.QUEUE_DELAY_INDEX_SIZE.description())
        .strongReference(true)
        .register(registry);
    return size;
  }

  void start(TaskId task, long estimate) {
    byTask.put(task, new AtomicLong(Math.max(0L, estimate)));
  }

  void add(TaskId task, long delta) {
    AtomicLong n = byTask.get(task);
    if (n != null) {
      n.updateAndGet(v -> Math.max(0L, v + delta));
    }
  }

  void stop(TaskId task) {
    byTask.remove(task);
  }

  public long total() {
    return byTask.values().stream().mapToLong(AtomicLong::get).sum();
  }
}

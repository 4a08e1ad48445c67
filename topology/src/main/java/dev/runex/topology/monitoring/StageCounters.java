package dev.runex.topology.monitoring;

import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link RunexMeters} counters a topology stage increments, looked up once per tag combination
 * (Micrometer's own lookup builds ids and sorts tags on every call, which is waste on the hot
 * path). Safe to share between stream threads. Tag values must stay low-cardinality (codes, types,
 * pools).
 */
public final class StageCounters {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public StageCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  public void increment(RunexMeters meter, String... tagValues) {
    String key = meter.name() + '\u0000' + String.join("\u0000", tagValues);
    counters.computeIfAbsent(key, k -> meter.counter(registry, tagValues)).increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}

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
    counter(meter, tagValues).increment();
  }

  /**
   * Makes the counter exist at 0 before its first event: an alert on the increase of a counter of
   * rare events then sees the first one (a series first scraped at 1 has no increase).
   */
  public void register(RunexMeters meter, String... tagValues) {
    counter(meter, tagValues);
  }

  private Counter counter(RunexMeters meter, String... tagValues) {
    String key = meter.name() + '\u0000' + String.join("\u0000", tagValues);
    return counters.computeIfAbsent(key, k -> meter.counter(registry, tagValues));
  }

  public MeterRegistry registry() {
    return registry;
  }
}

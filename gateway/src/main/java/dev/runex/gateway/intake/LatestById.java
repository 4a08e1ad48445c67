package dev.runex.gateway.intake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest value per job id, for the most recently put {@code capacity} ids (a put moves its id
 * to the newest end; the oldest id goes beyond that). Thread-safe.
 */
final class LatestById<V> {
  private final Map<String, V> values;

  LatestById(int capacity) {
    this.values =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void put(String jobId, V value) {
    values.remove(jobId);
    values.put(jobId, value);
  }

  synchronized Optional<V> get(String jobId) {
    return Optional.ofNullable(values.get(jobId));
  }
}

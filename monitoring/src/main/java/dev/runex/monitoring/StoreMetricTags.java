package dev.runex.monitoring;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * One set of tag keys for Kafka Streams' state-store meters. Kafka names a store's tag after its
 * kind ({@code rocksdb-state-id}, {@code in-memory-state-id}, {@code rocksdb-window-state-id},
 * ...), so a process with a RocksDB store and an in-memory one (the topology's control table)
 * registers meters of one name with different tag keys, and Prometheus takes only the first kind it
 * sees: the other kind's meters are refused and missing from {@code /metrics}. This filter turns
 * every such tag into {@code store} (the store's name) and {@code store.type} (the kind: {@code
 * rocksdb}, {@code in-memory}, {@code rocksdb-window}, ...). Add it to a registry before any Kafka
 * Streams metrics are bound to it.
 */
public final class StoreMetricTags implements MeterFilter {
  /** Tag naming the store. */
  public static final String STORE = "store";

  /** Tag naming the store's kind, as Kafka Streams named its tag without {@code -state-id}. */
  public static final String STORE_TYPE = "store.type";

  private static final String PREFIX = "kafka.stream.state.";
  private static final String SUFFIX = ".state.id";

  @Override
  public Meter.Id map(Meter.Id id) {
    if (!id.getName().startsWith(PREFIX)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    boolean changed = false;
    for (Tag tag : id.getTagsAsIterable()) {
      String key = tag.getKey();
      if (key.endsWith(SUFFIX) && key.length() > SUFFIX.length()) {
        tags.add(Tag.of(STORE, tag.getValue()));
        tags.add(
            Tag.of(STORE_TYPE, key.substring(0, key.length() - SUFFIX.length()).replace('.', '-')));
        changed = true;
      } else {
        tags.add(tag);
      }
    }
    return changed ? id.replaceTags(tags) : id;
  }
}

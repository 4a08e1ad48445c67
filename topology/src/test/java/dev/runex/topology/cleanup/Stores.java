package dev.runex.topology.cleanup;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;

/** Real in-memory stores (no changelog) for the sweeps' unit tests. */
final class Stores {
  private static final MockProcessorContext<Object, Object> CONTEXT = new MockProcessorContext<>();

  private Stores() {}

  static <V> KeyValueStore<String, V> keyValue(String name, Serde<V> values) {
    KeyValueStore<String, V> store =
        org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name),
                Serdes.String(),
                values)
            .withLoggingDisabled()
            .build();
    store.init(CONTEXT.getStateStoreContext(), store);
    return store;
  }

  static TimestampedKeyValueStore<String, String> timestamped(String name) {
    TimestampedKeyValueStore<String, String> store =
        org.apache.kafka.streams.state.Stores.timestampedKeyValueStoreBuilder(
                org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name),
                Serdes.String(),
                Serdes.String())
            .withLoggingDisabled()
            .build();
    store.init(CONTEXT.getStateStoreContext(), store);
    return store;
  }
}

package dev.runex.topology.control;

import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.topics.Topic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The topology's copy of the compacted {@code control} topic: a global store (every instance holds
 * every command, key: target such as {@code job:<id>}, value: the latest {@link ControlCommand}).
 *
 * <p>Why global: commands are keyed by target, not by job id, so they are not co-partitioned with
 * {@code intake}, {@code validated}, {@code retry} or {@code admission}; a cancel must reach
 * whichever task holds the job (intake's direct dispatch, the delay index, the quota gate). The
 * topic itself is the store's changelog (no extra topic), so the store survives restarts by
 * re-reading it. Tombstones delete the target's entry.
 */
public final class ControlStore {
  public static final String NAME = "control-commands";
  public static final String SOURCE = "control-source";
  public static final String UPDATER = "control-store-updater";

  private ControlStore() {}

  /** Adds the global control store, fed from {@code control}, to {@code t}. */
  public static void addTo(Topology t, Topic<String, ControlCommand> control) {
    // logging disabled: for global stores the source topic is the changelog
    var store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(NAME), Serdes.String(), control.valueSerde())
            .withLoggingDisabled();
    t.addGlobalStore(
        store,
        SOURCE,
        control.keySerde().deserializer(),
        control.valueSerde().deserializer(),
        control.name(),
        UPDATER,
        Updater::new);
  }

  /** Copies each command into the store; a tombstone removes its target. */
  static final class Updater implements Processor<String, ControlCommand, Void, Void> {
    private KeyValueStore<String, ControlCommand> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(NAME);
    }

    @Override
    public void process(Record<String, ControlCommand> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}

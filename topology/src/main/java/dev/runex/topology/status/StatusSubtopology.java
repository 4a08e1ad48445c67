package dev.runex.topology.status;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the status stage: {@code events} (key job id) → {@link StatusUpdater} with the
 * changelogged stores {@code job-status}, {@code job-status-by-tenant} and {@code job-status-expiry}.
 * Its own sub-topology (it shares nothing with the others), queried through Kafka Streams
 * interactive queries by {@link StatusQueries}.
 */
public final class StatusSubtopology {
  public static final String EVENTS_SOURCE = "status-events-source";
  /**
   * Changed job statuses held as objects before the commit writes them; beyond this the oldest is
   * written early. A 100 ms commit at 20,000 jobs/s changes ~2,000.
   */
  static final int MAX_WAITING_VIEWS = 20_000;
  /**
   * Written job statuses kept for their jobs' next events: ~1-2 KB each for a job with a handful of
   * transitions, up to ~20 KB at the 100-transition history limit.
   */
  static final int MAX_RECENT_VIEWS = 10_000;

  private StatusSubtopology() {}

  public static void add(Topology t, RunexConfig cfg, RunexTopics topics) {
    Topic<String, JobEvent> events = topics.events();
    // earliest: the status of jobs whose events predate this application is still worth knowing.
    t.addSource(AutoOffsetReset.earliest(), EVENTS_SOURCE, events.keySerde().deserializer(),
        events.valueSerde().deserializer(), events.name());
    t.addProcessor(StatusUpdater.NAME,
        () -> new StatusUpdater(cfg.duration(Settings.TOPOLOGY_STATUS_RETENTION)), EVENTS_SOURCE);
    Serde<JobStatusView> views = AvroSerdes.confluent(topics.registry(), JobStatusView.class);
    // Read and rewritten for each of a job's events: held as objects until the commit (see
    // WriteBackStore), not encoded and decoded for every event by Kafka Streams' byte cache.
    t.addStateStore(WriteBackStore.builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
        StatusUpdater.STORE), Serdes.String(), views).withLoggingEnabled(Map.of()).withCachingDisabled(),
        MAX_WAITING_VIEWS, MAX_RECENT_VIEWS), StatusUpdater.NAME);
    t.addStateStore(store(StatusUpdater.TENANT_INDEX, Serdes.String()), StatusUpdater.NAME);
    t.addStateStore(store(StatusUpdater.EXPIRY, Serdes.String()), StatusUpdater.NAME);
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    // Changelogged (<application.id>-<name>-changelog): status survives restarts and moves with its
    // task. Cached: a job's burst of events costs one changelog write per commit, not one each.
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withLoggingEnabled(Map.of())
        .withCachingEnabled();
  }
}

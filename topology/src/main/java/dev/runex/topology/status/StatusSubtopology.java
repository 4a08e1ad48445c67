package dev.runex.topology.status;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.status.writeback.WriteBackStore;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the status stage: {@code events} (key job id) → {@link StatusUpdater} with the changelogged
 * store {@code job-status} and its two indexes {@code job-status-by-tenant} and {@code
 * job-status-expiry}, which have no changelog: a task rebuilds them from its status store when it
 * starts with a local copy that is not current ({@link StatusIndexes}). Its own sub-topology (it
 * shares nothing with the others), queried through Kafka Streams interactive queries by {@link
 * StatusQueries}.
 */
public final class StatusSubtopology {
  public static final String EVENTS_SOURCE = "status-events-source";
  public static final String UPDATER = "status-update";

  /**
   * Changed entries each status store holds as objects before the commit writes them; beyond this
   * the oldest is written early. The default 1 s commit at 2,000 jobs/s changes ~2,000 job
   * statuses; a drain at 20,000 jobs/s reaches the cap and writes the oldest early.
   */
  static final int MAX_WAITING_CHANGES = 20_000;

  /**
   * Written statuses of unfinished jobs kept for their jobs' next events, per store instance: ~1-2
   * KB each for a job with a handful of transitions, up to ~20 KB at the 100-transition history
   * limit. A finished job's status is not kept: it is rarely read again. At 2,000 jobs/s on six
   * partitions this covers the jobs of the last three seconds, and a job's next event mostly comes
   * within the same commit interval anyway (then it is read from the waiting changes). Ten times as
   * many, all statuses, held ~100 MB of short-lived objects during a drain that the collector
   * copied between young collections and promoted, for a few more read-cache hits.
   */
  static final int MAX_RECENT_VIEWS = 1_000;

  private StatusSubtopology() {}

  public static void add(Topology t, RunexConfig cfg, RunexTopics topics) {
    Topic<String, JobEvent> events = topics.events();
    // earliest: the status of jobs whose events predate this application is still worth knowing.
    t.addSource(
        AutoOffsetReset.earliest(),
        EVENTS_SOURCE,
        events.keySerde().deserializer(),
        events.valueSerde().deserializer(),
        events.name());
    t.addProcessor(
        UPDATER,
        () ->
            new StatusUpdater(
                cfg.duration(Settings.TOPOLOGY_STATUS_RETENTION),
                cfg.intValue(Settings.TOPOLOGY_STATUS_NICE)),
        EVENTS_SOURCE);
    Serde<JobStatusView> views = AvroSerdes.confluent(topics.registry(), JobStatusView.class);
    // Changelogged (<application.id>-status-job-status-changelog): status survives restarts and
    // moves with its task. Held as objects until the commit (WriteBackStore), not in Kafka Streams'
    // byte cache: the job status is read and rewritten for each of a job's events, and the byte
    // cache decoded and encoded it every time; a job's burst of events costs one changelog write
    // per commit.
    t.addStateStore(
        WriteBackStore.builder(
            persistent(StatusUpdater.STORE, views).withLoggingEnabled(Map.of()),
            MAX_WAITING_CHANGES,
            MAX_RECENT_VIEWS,
            view -> !view.getTerminal()),
        UPDATER);
    // Written once per job and read only by queries and the retention sweep: nothing worth keeping
    // for reads once written. No changelog: rebuilt from job-status when a task starts.
    t.addStateStore(index(StatusUpdater.TENANT_INDEX), UPDATER);
    t.addStateStore(index(StatusUpdater.EXPIRY), UPDATER);
    // One key, changed only when a task rebuilds its indexes: in memory, restored from its
    // changelog at every start.
    t.addStateStore(
        WriteBackStore.builder(
            Stores.keyValueStoreBuilder(
                    Stores.inMemoryKeyValueStore(StatusIndexes.EPOCHS),
                    Serdes.String(),
                    Serdes.String())
                .withLoggingEnabled(Map.of())
                .withCachingDisabled(),
            1,
            0),
        UPDATER);
  }

  private static StoreBuilder<KeyValueStore<String, String>> index(String name) {
    return WriteBackStore.builder(
        persistent(name, Serdes.String()).withLoggingDisabled(), MAX_WAITING_CHANGES, 0);
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> persistent(
      String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withCachingDisabled();
  }
}

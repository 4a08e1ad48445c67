package dev.runex.topology.queueing;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.dispatch.PoolTopicExtractor;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import dev.runex.topology.quota.QuotaRoute;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the queueing and scheduling stages: {@code validated} and {@code retry} (key job id, {@code
 * Job}) → {@link DelayIndex} (changelogged {@code delay-index} store) → {@link QuotaRoute} (jobs
 * with quotas → {@code admission}, for the quota gate) → {@link ExpiryGate} (EXPIRED results to
 * {@code results}) → {@link PoolDispatcher} → {@code scheduled.<pool>} keyed by partition key, with
 * events to {@code events}.
 */
public final class QueueingSubtopology {
  public static final String VALIDATED_SOURCE = "validated-source";
  public static final String RETRY_SOURCE = "retry-source";
  public static final String DELAY_INDEX = "queueing-delay-index";

  private QueueingSubtopology() {}

  public static void add(
      Topology t,
      RunexConfig cfg,
      RunexTopics topics,
      StageCounters counters,
      TaskSizeGauge size,
      DelayedBacklogs backlogs,
      String instanceId) {
    Topic<String, Job> validated = topics.validated();
    Topic<String, Job> retry = topics.retry();
    Duration interval = cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL);
    PoolTopicExtractor pools = new PoolTopicExtractor(topics);
    t.addSource(
        VALIDATED_SOURCE,
        validated.keySerde().deserializer(),
        validated.valueSerde().deserializer(),
        validated.name());
    t.addSource(
        RETRY_SOURCE,
        retry.keySerde().deserializer(),
        retry.valueSerde().deserializer(),
        retry.name());
    t.addProcessor(
        DELAY_INDEX,
        () -> new DelayIndex(cfg, interval, counters, size, backlogs, instanceId),
        VALIDATED_SOURCE,
        RETRY_SOURCE);
    t.addStateStore(delayIndexStore(validated), DELAY_INDEX);
    // operators' cancels, read by the delay index (a global store: commands are keyed by target);
    // the delay index deletes old job cancels from the topic
    ControlStore.addTo(t, topics.control());
    t.addSink(
        DelayIndex.TO_CONTROL,
        topics.control().name(),
        topics.control().keySerde().serializer(),
        topics.control().valueSerde().serializer(),
        DELAY_INDEX);
    // jobs with a quota go to the quota gate (keyed by tenant), the others straight on
    t.addProcessor(QuotaRoute.NAME, () -> new QuotaRoute(cfg.quotas()), DELAY_INDEX);
    Topic<String, Job> admission = topics.admission();
    t.addSink(
        QuotaRoute.TO_ADMISSION,
        admission.name(),
        admission.keySerde().serializer(),
        admission.valueSerde().serializer(),
        QuotaRoute.NAME);
    t.addProcessor(
        ExpiryGate.NAME, () -> new ExpiryGate(cfg, counters, instanceId), QuotaRoute.NAME);
    t.addProcessor(
        PoolDispatcher.NAME,
        () -> new PoolDispatcher(pools, counters, instanceId),
        ExpiryGate.NAME);
    // EXPIRED results from the expiry check, CANCELLED results from the delay index
    t.addSink(
        ExpiryGate.TO_RESULTS,
        topics.results().name(),
        topics.results().keySerde().serializer(),
        topics.results().valueSerde().serializer(),
        DELAY_INDEX,
        ExpiryGate.NAME);
    // One serializer for every pool topic: it registers the schema per topic subject itself.
    Topic<String, Job> anyPool = topics.scheduled("any");
    t.addSink(
        PoolDispatcher.TO_SCHEDULED,
        pools,
        anyPool.keySerde().serializer(),
        anyPool.valueSerde().serializer(),
        PoolDispatcher.NAME);
    t.addSink(
        PoolDispatcher.TO_EVENTS,
        topics.events().name(),
        topics.events().keySerde().serializer(),
        topics.events().valueSerde().serializer(),
        DELAY_INDEX,
        ExpiryGate.NAME,
        PoolDispatcher.NAME);
  }

  private static StoreBuilder<KeyValueStore<String, Job>> delayIndexStore(Topic<String, Job> jobs) {
    // Persistent and changelogged (<application.id>-delay-index-changelog): waiting jobs survive
    // restarts and move with their task. No caching: releases must see every put at once.
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DelayIndex.STORE), Serdes.String(), jobs.valueSerde())
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }
}

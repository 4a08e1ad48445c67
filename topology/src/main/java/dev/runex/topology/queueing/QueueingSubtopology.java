package dev.runex.topology.queueing;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.dispatch.DispatchNames;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.dispatch.PoolTopicExtractor;
import dev.runex.topology.feedback.ResultFeedback;
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
 *
 * <p>Which jobs come here, and why they take this hop: jobs not yet due (from intake, the dedupe
 * stage or as retries) must wait in the delay index, whose store and punctuator live in this task,
 * keyed by job id; retries come from workers on {@code retry}; due jobs with a quota come through
 * here to the quota route (a due gated job could go from intake to {@code admission} directly, but
 * takes this hop today); jobs with an idempotency key come from the dedupe stage. A due job without
 * quota or key never comes here: intake dispatches it itself ({@code IntakeSubtopology}'s direct
 * path, with the same cancel check, {@link ExpiryGate} and {@link PoolDispatcher}).
 *
 * <p>The node names are declared here and handed to the processors, so no processor knows another's
 * name; {@code TopologyDescriptionTest} pins them (they are part of the deployed application).
 */
public final class QueueingSubtopology {
  public static final String VALIDATED_SOURCE = "validated-source";
  public static final String RETRY_SOURCE = "retry-source";
  public static final String DELAY_INDEX = "queueing-delay-index";
  public static final String QUOTA_ROUTE = "queueing-quota-route";
  public static final String TO_ADMISSION = "queueing-admission-sink";
  public static final String TO_CONTROL = "queueing-control-sink";

  /** Node names of the main path to the pools (jobs without quotas). */
  public static final DispatchNames DISPATCH =
      new DispatchNames(
          "queueing-expiry-check",
          "scheduling-dispatch",
          "scheduled-sink",
          "scheduling-events-sink",
          "queueing-results");

  private static final DelayIndex.Outputs DELAY_INDEX_OUT =
      new DelayIndex.Outputs(QUOTA_ROUTE, DISPATCH.eventsSink(), DISPATCH.results(), TO_CONTROL);

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
        () -> new DelayIndex(cfg, interval, counters, size, backlogs, instanceId, DELAY_INDEX_OUT),
        VALIDATED_SOURCE,
        RETRY_SOURCE);
    t.addStateStore(delayIndexStore(validated), DELAY_INDEX);
    // operators' cancels, read by the delay index (a global store: commands are keyed by target);
    // the delay index deletes old job cancels from the topic
    ControlStore.addTo(t, topics.control());
    t.addSink(
        TO_CONTROL,
        topics.control().name(),
        topics.control().keySerde().serializer(),
        topics.control().valueSerde().serializer(),
        DELAY_INDEX);
    // jobs with a quota go to the quota gate (keyed by tenant), the others straight on
    t.addProcessor(
        QUOTA_ROUTE,
        () -> new QuotaRoute(cfg.quotas(), TO_ADMISSION, DISPATCH.expiry()),
        DELAY_INDEX);
    Topic<String, Job> admission = topics.admission();
    t.addSink(
        TO_ADMISSION,
        admission.name(),
        admission.keySerde().serializer(),
        admission.valueSerde().serializer(),
        QUOTA_ROUTE);
    t.addProcessor(
        DISPATCH.expiry(), () -> new ExpiryGate(cfg, counters, instanceId, DISPATCH), QUOTA_ROUTE);
    t.addProcessor(
        DISPATCH.dispatch(),
        () -> new PoolDispatcher(pools, counters, instanceId, DISPATCH),
        DISPATCH.expiry());
    // EXPIRED results from the expiry check, CANCELLED results from the delay index
    ResultFeedback.addTo(t, topics, DISPATCH.results(), DELAY_INDEX, DISPATCH.expiry());
    // One serializer for every pool topic: it registers the schema per topic subject itself.
    Topic<String, Job> anyPool = topics.scheduled("any");
    t.addSink(
        DISPATCH.scheduledSink(),
        pools,
        anyPool.keySerde().serializer(),
        anyPool.valueSerde().serializer(),
        DISPATCH.dispatch());
    t.addSink(
        DISPATCH.eventsSink(),
        topics.events().name(),
        topics.events().keySerde().serializer(),
        topics.events().valueSerde().serializer(),
        DELAY_INDEX,
        DISPATCH.expiry(),
        DISPATCH.dispatch());
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

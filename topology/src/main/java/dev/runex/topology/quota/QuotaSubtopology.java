package dev.runex.topology.quota;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.dispatch.DispatchNames;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.dispatch.PoolTopicExtractor;
import dev.runex.topology.feedback.FeedbackRouter;
import dev.runex.topology.feedback.FeedbackSubtopology;
import dev.runex.topology.feedback.ResultFeedback;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the quota stage (the queueing stage's {@link QuotaRoute} feeds it): {@code admission} (key
 * tenant, {@code Job}, from the queueing stage) and the quota releases of {@code feedback} (key
 * tenant, written by workers; routed by {@link FeedbackRouter}) → {@link QuotaGate} (stores {@code
 * quota-waiting}, {@code quota-in-flight}, {@code quota-buckets}, changelogged) → {@link
 * PoolDispatcher} → {@code scheduled.<pool>}, or, for a job past its deadline, its own {@link
 * ExpiryGate}; events to {@code events}, CANCELLED and EXPIRED results to {@code results} through
 * {@link ResultFeedback} (which tells a schedule its run ended). The gate shares its sub-topology
 * with the schedules stage: both read {@code feedback}.
 *
 * <p>Both gate inputs are keyed by tenant with the default partitioner and have the same partition
 * count, so all of a tenant's admissions and releases meet in one task. The node names are declared
 * here and handed to the processors.
 */
public final class QuotaSubtopology {
  public static final String ADMISSION_SOURCE = "quota-admission-source";
  public static final String GATE = "quota-gate";

  /** Node names of the quota gate's own path to the pools. */
  public static final DispatchNames DISPATCH =
      new DispatchNames(
          "quota-expiry-check",
          "quota-dispatch",
          "quota-scheduled-sink",
          "quota-events-sink",
          "quota-results");

  private QuotaSubtopology() {}

  public static void add(
      Topology t, RunexConfig cfg, RunexTopics topics, StageCounters counters, String instanceId) {
    Topic<String, Job> admission = topics.admission();
    t.addSource(
        ADMISSION_SOURCE,
        admission.keySerde().deserializer(),
        admission.valueSerde().deserializer(),
        admission.name());
    TaskSizeGauge waiting = TaskSizeGauge.register(counters.registry(), RunexMeters.QUOTA_WAITING);
    TaskSizeGauge inFlight =
        TaskSizeGauge.register(counters.registry(), RunexMeters.QUOTA_IN_FLIGHT);
    t.addProcessor(
        GATE,
        () ->
            new QuotaGate(
                cfg,
                cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL),
                counters,
                waiting,
                inFlight,
                instanceId,
                DISPATCH),
        ADMISSION_SOURCE,
        FeedbackSubtopology.ROUTER);
    t.addStateStore(store(QuotaGate.WAITING, admission.valueSerde()), GATE);
    t.addStateStore(store(QuotaGate.IN_FLIGHT, Serdes.String()), GATE);
    t.addStateStore(store(QuotaGate.BUCKETS, Serdes.String()), GATE);
    t.addProcessor(
        DISPATCH.expiry(), () -> new ExpiryGate(cfg, counters, instanceId, DISPATCH), GATE);
    t.addProcessor(
        DISPATCH.dispatch(),
        () -> new PoolDispatcher(new PoolTopicExtractor(topics), counters, instanceId, DISPATCH),
        GATE,
        DISPATCH.expiry());
    ResultFeedback.addTo(t, topics, DISPATCH.results(), GATE, DISPATCH.expiry());
    Topic<String, Job> anyPool = topics.scheduled("any");
    t.addSink(
        DISPATCH.scheduledSink(),
        new PoolTopicExtractor(topics),
        anyPool.keySerde().serializer(),
        anyPool.valueSerde().serializer(),
        DISPATCH.dispatch());
    t.addSink(
        DISPATCH.eventsSink(),
        topics.events().name(),
        topics.events().keySerde().serializer(),
        topics.events().valueSerde().serializer(),
        GATE,
        DISPATCH.expiry(),
        DISPATCH.dispatch());
  }

  private static <V> StoreBuilder<?> store(String name, Serde<V> values) {
    // Persistent and changelogged; no caching: every admission must see the previous one's writes.
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }
}

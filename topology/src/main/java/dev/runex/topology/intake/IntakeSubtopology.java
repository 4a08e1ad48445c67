package dev.runex.topology.intake;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.control.CancelCheck;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.dispatch.DispatchNames;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.dispatch.PoolTopicExtractor;
import dev.runex.topology.feedback.ResultFeedback;
import dev.runex.topology.intake.dedupe.IdempotencyGate;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.queueing.DirectDispatch;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import dev.runex.topology.validation.JobValidator;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the intake and dedupe stages (two sub-topologies joined by a repartition topic) and
 * intake's direct dispatch. Intake and dedupe are written with the DSL ({@link #add}) because only
 * the DSL has Streams create and name a repartition topic; the processors are the same Processor
 * API classes and forward to the named sinks declared here.
 *
 * <ol>
 *   <li>{@code intake} → {@link IntakeProcessor} → {@code results}, {@code dead-letter}, {@code
 *       events}, and each valid job to one of:
 *       <ul>
 *         <li>the direct dispatch ({@link #addDirectDispatch}), for a job due now without quota or
 *             idempotency key ({@link DirectDispatch}): {@link CancelCheck} → {@link ExpiryGate} →
 *             {@link PoolDispatcher} → {@code scheduled.<pool>}, CANCELLED and EXPIRED results to
 *             {@code results} (and {@code feedback} through {@link ResultFeedback}), and the job's
 *             RECEIVED, VALIDATED and SCHEDULED (or CANCELLED, or EXPIRED) as one record on {@code
 *             events} ({@link DirectPathEvents}). One transaction from intake to the pool: no
 *             {@code validated} record, no second decode;
 *         <li>{@code validated}, for a job the delay index must hold or the quota gate admit (those
 *             keep that hop: the delay index's store lives in the queueing task, which also takes
 *             retries; the quota gate's state is per tenant, behind {@code admission});
 *         <li>the {@code <application.id>-intake-dedupe-repartition} topic (created by Streams),
 *             key tenant + idempotency key, for a job with an idempotency key: all submissions with
 *             one key must meet in one task;
 *       </ul>
 *   <li>that topic → {@link IdempotencyGate} (stores {@code intake-dedupe}, {@code
 *       intake-dedupe-expiry}, both changelogged) → {@code validated}, or for duplicates {@code
 *       results} and {@code events}.
 * </ol>
 *
 * <p>The direct dispatch is added to the built topology with the Processor API ({@link
 * #addDirectDispatch}), like the queueing and quota stages' paths, because its events and results
 * nodes have several parents (a DSL sink has one). Its nodes join intake's sub-topology: they hang
 * off {@link #INTAKE_PROCESSOR}. The node names are declared here and handed to the processors.
 */
public final class IntakeSubtopology {
  /** Streams names the topic {@code <application.id>-intake-dedupe-repartition}. */
  public static final String DEDUPE_REPARTITION = "intake-dedupe";

  public static final String INTAKE_SOURCE = "intake-source";
  public static final String INTAKE_PROCESSOR = "intake-decode-validate";
  public static final String DEDUPE_GATE = "intake-dedupe";
  public static final String CANCEL_CHECK = "intake-cancel-check";

  /** The direct path's events node ({@link DirectPathEvents}), before its events sink. */
  public static final String DIRECT_EVENTS = "intake-dispatch-events";

  /** Node names of intake's direct path to the pools (due jobs without quota or key). */
  public static final DispatchNames DIRECT =
      new DispatchNames(
          "intake-expiry-check",
          "intake-dispatch",
          "intake-scheduled-sink",
          "intake-dispatch-events-sink",
          "intake-dispatch-results");

  private static final IntakeProcessor.Outputs INTAKE_OUT =
      new IntakeProcessor.Outputs(
          "intake-validated-sink",
          "intake-results",
          "intake-dead-letter-sink",
          "intake-events-sink",
          "intake-dedupe-route",
          CANCEL_CHECK,
          DIRECT_EVENTS);

  private static final IdempotencyGate.Outputs DEDUPE_OUT =
      new IdempotencyGate.Outputs(
          "dedupe-validated-sink", "dedupe-results-sink", "dedupe-events-sink");

  private IntakeSubtopology() {}

  public static void add(
      StreamsBuilder b,
      RunexConfig cfg,
      RunexTopics topics,
      StageCounters counters,
      String instanceId) {
    Topic<byte[], byte[]> intake = topics.intake();
    JobValidator validator = new JobValidator(cfg);
    int maxBytes = cfg.intValue(Settings.INTAKE_MAX_REQUEST_BYTES);
    // earliest: requests written before the topology first started are still jobs to run.
    KStream<Object, Object> out =
        b.stream(
                intake.name(),
                Consumed.with(intake.keySerde(), intake.valueSerde())
                    .withName(INTAKE_SOURCE)
                    .withTimestampExtractor(new IntakeTimestampExtractor())
                    .withOffsetResetPolicy(AutoOffsetReset.earliest()))
            .process(
                () ->
                    new IntakeProcessor(
                        new IntakeDecoder(topics.registry(), maxBytes),
                        validator,
                        new DirectDispatch(cfg),
                        counters,
                        instanceId,
                        intake.name(),
                        INTAKE_OUT),
                Named.as(INTAKE_PROCESSOR));
    to(out, topics.validated(), INTAKE_OUT.validated());
    ResultFeedback.addTo(out, topics, INTAKE_OUT.results());
    to(out, topics.deadLetter(), INTAKE_OUT.deadLetters());
    to(out, topics.events(), INTAKE_OUT.events());
    addDedupe(b, cfg, topics, counters, instanceId, typed(out));
  }

  /**
   * Adds the direct dispatch's nodes to {@code t}, the topology built from the builder {@link #add}
   * wired: intake forwards to them, so the application needs both. The cancel check reads the
   * global {@link ControlStore}, which the queueing stage adds.
   */
  public static void addDirectDispatch(
      Topology t, RunexConfig cfg, RunexTopics topics, StageCounters counters, String instanceId) {
    PoolTopicExtractor pools = new PoolTopicExtractor(topics);
    // the path's processors send their events to DIRECT_EVENTS, which writes them with intake's
    // RECEIVED and VALIDATED as one record
    DispatchNames names =
        new DispatchNames(
            DIRECT.expiry(),
            DIRECT.dispatch(),
            DIRECT.scheduledSink(),
            DIRECT_EVENTS,
            DIRECT.results());
    CancelCheck.Outputs cancelOut =
        new CancelCheck.Outputs(DIRECT.expiry(), DIRECT.results(), DIRECT_EVENTS);
    t.addProcessor(CANCEL_CHECK, () -> new CancelCheck(instanceId, cancelOut), INTAKE_PROCESSOR);
    t.addProcessor(
        DIRECT.expiry(), () -> new ExpiryGate(cfg, counters, instanceId, names), CANCEL_CHECK);
    t.addProcessor(
        DIRECT.dispatch(),
        () -> new PoolDispatcher(pools, counters, instanceId, names),
        DIRECT.expiry());
    t.addProcessor(
        DIRECT_EVENTS,
        () -> new DirectPathEvents(DIRECT.eventsSink()),
        INTAKE_PROCESSOR,
        CANCEL_CHECK,
        DIRECT.expiry(),
        DIRECT.dispatch());
    // CANCELLED results from the cancel check, EXPIRED results from the expiry check
    ResultFeedback.addTo(t, topics, DIRECT.results(), CANCEL_CHECK, DIRECT.expiry());
    // One serializer for every pool topic: it registers the schema per topic subject itself.
    Topic<String, Job> anyPool = topics.scheduled("any");
    t.addSink(
        DIRECT.scheduledSink(),
        pools,
        anyPool.keySerde().serializer(),
        anyPool.valueSerde().serializer(),
        DIRECT.dispatch());
    t.addSink(
        DIRECT.eventsSink(),
        topics.events().name(),
        topics.events().keySerde().serializer(),
        topics.events().valueSerde().serializer(),
        DIRECT_EVENTS);
  }

  private static void addDedupe(
      StreamsBuilder b,
      RunexConfig cfg,
      RunexTopics topics,
      StageCounters counters,
      String instanceId,
      KStream<String, Job> intakeOut) {
    Topic<String, Job> validated = topics.validated();
    b.addStateStore(
        Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(IdempotencyGate.STORE),
                Serdes.String(),
                Serdes.String())
            .withLoggingEnabled(Map.of())
            .withCachingDisabled());
    b.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(IdempotencyGate.EXPIRY_STORE),
                Serdes.String(),
                Serdes.String())
            .withLoggingEnabled(Map.of())
            .withCachingDisabled());
    KStream<String, Object> gated =
        intakeOut
            // a named node for the intake processor to forward to; the repartition nodes are
            // Streams' own
            .mapValues(job -> job, Named.as(INTAKE_OUT.dedupe()))
            .repartition(
                Repartitioned.with(Serdes.String(), validated.valueSerde())
                    .withName(DEDUPE_REPARTITION))
            .process(
                () ->
                    new IdempotencyGate(
                        cfg.duration(Settings.INTAKE_IDEMPOTENCY_WINDOW),
                        counters,
                        instanceId,
                        DEDUPE_OUT),
                Named.as(DEDUPE_GATE),
                IdempotencyGate.STORE,
                IdempotencyGate.EXPIRY_STORE);
    to(gated, validated, DEDUPE_OUT.validated());
    // No feedback for these: a duplicate's REJECTED result does not end the run of its original
    // (same job id), whose own final result reports it.
    to(gated, topics.results(), DEDUPE_OUT.results());
    to(gated, topics.events(), DEDUPE_OUT.events());
  }

  /**
   * A sink named {@code name}: processors forward their records for {@code topic} to it by that
   * name.
   */
  private static <K, V> void to(KStream<?, ?> stream, Topic<K, V> topic, String name) {
    KStream<K, V> typed = typed(stream);
    typed.to(topic.name(), Produced.with(topic.keySerde(), topic.valueSerde()).withName(name));
  }

  @SuppressWarnings("unchecked")
  private static <K, V> KStream<K, V> typed(KStream<?, ?> stream) {
    // Each processor forwards to a named child only records of that child's types.
    return (KStream<K, V>) stream;
  }
}

package dev.runex.topology;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.intake.IntakeDecoder;
import dev.runex.topology.intake.IntakeProcessor;
import dev.runex.topology.intake.IntakeTimestampExtractor;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.queueing.DelayIndex;
import dev.runex.topology.queueing.DelayIndexSize;
import dev.runex.topology.scheduling.PoolDispatcher;
import dev.runex.topology.scheduling.PoolTopicExtractor;
import dev.runex.topology.validation.JobValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runex topology: one Kafka Streams application, {@code processing.guarantee=exactly_once_v2}.
 *
 * <p>Sub-topology 1, intake ({@link IntakeProcessor}): reads {@code intake} (raw key and value bytes);
 * writes {@code validated} (key job id, {@code Job}), and for refused input {@code results} (key job
 * id, REJECTED {@code JobResult}) and {@code dead-letter} (key: the original record key bytes,
 * {@code DeadLetter}); lifecycle events go to {@code events} (key job id).
 *
 * <p>Sub-topology 2, queueing and scheduling ({@link DelayIndex}, {@link PoolDispatcher}): reads
 * {@code validated} and {@code retry} (key job id, {@code Job}); holds not-yet-due jobs in the
 * changelogged {@code delay-index} store; writes due jobs to {@code scheduled.<pool>} keyed by the
 * job's partition key (same key → same partition → in order), events to {@code events}.
 * Jobs cancelled through {@code control} (global store {@link ControlStore}) while they wait here
 * get a CANCELLED result on {@code results} instead of being scheduled.
 *
 * <p>Guarantees: each input record's outputs, store updates and offset commit form one
 * transaction, so every job is validated, released and scheduled exactly once, across crashes and
 * restarts. Bad input never stops the topology; infrastructure failures (registry, broker) fail the
 * stream thread without committing, and it is replaced (see {@link StreamThreadRecovery}).
 */
public final class RunexTopology implements AutoCloseable {
  public static final String INTAKE_SOURCE = "intake-source";
  public static final String INTAKE_PROCESSOR = "intake-decode-validate";
  public static final String VALIDATED_SOURCE = "validated-source";
  public static final String RETRY_SOURCE = "retry-source";
  public static final String DELAY_INDEX = "queueing-delay-index";

  private static final Logger log = LoggerFactory.getLogger(RunexTopology.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;

  /** A topology client for this process (not started). */
  public RunexTopology(RunexConfig cfg, RunexTopics topics, MeterRegistry meters) {
    String instanceId = instanceId();
    this.streams = new KafkaStreams(build(cfg, topics, meters, instanceId), streamsProperties(cfg));
    streams.setUncaughtExceptionHandler(new StreamThreadRecovery(10, Duration.ofMinutes(5), Clock.systemUTC()));
    streams.setStateListener((now, before) -> log.info("Topology {} went from {} to {}", instanceId, before, now));
    this.metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
  }

  /** The topology the application runs; tests drive the same one. */
  public static Topology build(RunexConfig cfg, RunexTopics topics, MeterRegistry meters, String instanceId) {
    StageCounters counters = new StageCounters(meters);
    Topology topology = new Topology();
    addIntake(topology, cfg, topics, counters, instanceId);
    addQueueingAndScheduling(topology, cfg, topics, counters, DelayIndexSize.register(meters), instanceId);
    return topology;
  }

  private static void addIntake(Topology t, RunexConfig cfg, RunexTopics topics, StageCounters counters,
      String instanceId) {
    Topic<byte[], byte[]> intake = topics.intake();
    JobValidator validator = new JobValidator(cfg);
    int maxBytes = cfg.intValue(Settings.INTAKE_MAX_REQUEST_BYTES);
    // earliest: requests written before the topology first started are still jobs to run.
    t.addSource(AutoOffsetReset.earliest(), INTAKE_SOURCE, new IntakeTimestampExtractor(), intake.keySerde().deserializer(),
        intake.valueSerde().deserializer(), intake.name());
    t.addProcessor(INTAKE_PROCESSOR, () -> new IntakeProcessor(new IntakeDecoder(topics.registry(), maxBytes),
        validator, counters, instanceId, intake.name()), INTAKE_SOURCE);
    t.addSink(IntakeProcessor.TO_VALIDATED, topics.validated().name(), topics.validated().keySerde().serializer(),
        topics.validated().valueSerde().serializer(), INTAKE_PROCESSOR);
    t.addSink(IntakeProcessor.TO_RESULTS, topics.results().name(), topics.results().keySerde().serializer(),
        topics.results().valueSerde().serializer(), INTAKE_PROCESSOR);
    t.addSink(IntakeProcessor.TO_DEAD_LETTERS, topics.deadLetter().name(),
        topics.deadLetter().keySerde().serializer(), topics.deadLetter().valueSerde().serializer(), INTAKE_PROCESSOR);
    t.addSink(IntakeProcessor.TO_EVENTS, topics.events().name(), topics.events().keySerde().serializer(),
        topics.events().valueSerde().serializer(), INTAKE_PROCESSOR);
  }

  private static void addQueueingAndScheduling(Topology t, RunexConfig cfg, RunexTopics topics,
      StageCounters counters, DelayIndexSize size, String instanceId) {
    Topic<String, Job> validated = topics.validated();
    Topic<String, Job> retry = topics.retry();
    Duration interval = cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL);
    PoolTopicExtractor pools = new PoolTopicExtractor(topics);
    t.addSource(VALIDATED_SOURCE, validated.keySerde().deserializer(), validated.valueSerde().deserializer(),
        validated.name());
    t.addSource(RETRY_SOURCE, retry.keySerde().deserializer(), retry.valueSerde().deserializer(), retry.name());
    t.addProcessor(DELAY_INDEX, () -> new DelayIndex(interval, counters, size, instanceId), VALIDATED_SOURCE,
        RETRY_SOURCE);
    t.addStateStore(delayIndexStore(validated), DELAY_INDEX);
    ControlStore.addTo(t, topics.control());
    t.addSink(DelayIndex.TO_RESULTS, topics.results().name(), topics.results().keySerde().serializer(),
        topics.results().valueSerde().serializer(), DELAY_INDEX);
    t.addProcessor(PoolDispatcher.NAME, () -> new PoolDispatcher(pools, counters, instanceId), DELAY_INDEX);
    // One serializer for every pool topic: it registers the schema per topic subject itself.
    Topic<String, Job> anyPool = topics.scheduled("any");
    t.addSink(PoolDispatcher.TO_SCHEDULED, pools, anyPool.keySerde().serializer(),
        anyPool.valueSerde().serializer(), PoolDispatcher.NAME);
    t.addSink(PoolDispatcher.TO_EVENTS, topics.events().name(), topics.events().keySerde().serializer(),
        topics.events().valueSerde().serializer(), DELAY_INDEX, PoolDispatcher.NAME);
  }

  private static StoreBuilder<KeyValueStore<String, Job>> delayIndexStore(Topic<String, Job> jobs) {
    // Persistent and changelogged (<application.id>-delay-index-changelog): waiting jobs survive
    // restarts and move with their task. No caching: releases must see every put at once.
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DelayIndex.STORE), Serdes.String(),
            jobs.valueSerde())
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }

  /** Kafka Streams settings from the runex config; {@code runex.kafka.streams.*} (and common) win. */
  public static Properties streamsProperties(RunexConfig cfg) {
    Map<String, Object> base = new HashMap<>();
    base.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.string(Settings.TOPOLOGY_APPLICATION_ID));
    base.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    base.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    base.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.duration(Settings.TOPOLOGY_COMMIT_INTERVAL).toMillis());
    base.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(cfg));
    base.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.intValue(Settings.TOPOLOGY_THREADS));
    base.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, cfg.intValue(Settings.TOPOLOGY_STANDBY_REPLICAS));
    base.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, cfg.intValue(Settings.TOPIC_REPLICATION));
    // Generated names (KSTREAM-...-0000000003) break upgrades; refuse to start with any.
    base.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    // Fail, never skip: a record the topology cannot read, process or write because of an outage
    // must be retried, not dropped. Bad intake input never throws (it becomes a dead letter).
    base.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
    base.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailProcessingExceptionHandler.class);
    base.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DefaultProductionExceptionHandler.class);
    base.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // the 5.0 default
    // Under exactly-once nothing is visible before the commit, and the commit flushes: lingering
    // up to the commit interval costs no latency and makes few large batches instead of many.
    long commitMs = cfg.duration(Settings.TOPOLOGY_COMMIT_INTERVAL).toMillis();
    base.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), commitMs);
    base.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    base.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    // The queueing task reads two topics (validated, retry) whose relative order carries no
    // meaning; never hold a task back waiting to align their timestamps.
    base.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // Wall-clock punctuators run between polls: an idle poll must not outlast the release interval.
    base.put(StreamsConfig.POLL_MS_CONFIG, Math.min(100L, cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL).toMillis()));
    Properties props = new Properties();
    props.putAll(cfg.kafka().streams(base));
    return props;
  }

  private static String stateDir(RunexConfig cfg) {
    String dir = cfg.string(Settings.TOPOLOGY_STATE_DIR);
    return dir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "runex-topology").toString() : dir;
  }

  /** Names this process in lifecycle events: pod/host name and pid. */
  private static String instanceId() {
    String host = System.getenv("HOSTNAME");
    return "topology-" + (host == null || host.isBlank() ? "local" : host) + "-" + ProcessHandle.current().pid();
  }

  public void start() {
    streams.start();
  }

  @Override
  public void close() {
    // Leave the group on a graceful stop: the tasks (and the delay index with its due jobs) move
    // to the remaining or replacement instance at once instead of after session.timeout.ms.
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    metrics.close();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Running or rebalancing: the client is alive and will process. */
  public boolean isRunning() {
    return streams.state().isRunningOrRebalancing();
  }
}

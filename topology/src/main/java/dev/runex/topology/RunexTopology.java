package dev.runex.topology;

import dev.runex.config.KafkaOverrides;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.monitoring.backlog.DelayedBacklog;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.serde.PatientSchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.cron.ConfigSchedules;
import dev.runex.topology.cron.ScheduleFirer;
import dev.runex.topology.cron.SchedulesSubtopology;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.feedback.FeedbackRouter;
import dev.runex.topology.feedback.FeedbackSubtopology;
import dev.runex.topology.feedback.ResultFeedback;
import dev.runex.topology.intake.IntakeProcessor;
import dev.runex.topology.intake.IntakeSubtopology;
import dev.runex.topology.intake.dedupe.IdempotencyGate;
import dev.runex.topology.monitoring.RestoringStores;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import dev.runex.topology.monitoring.TopologyHealth;
import dev.runex.topology.queueing.DelayIndex;
import dev.runex.topology.queueing.DelayedBacklogs;
import dev.runex.topology.queueing.DirectDispatch;
import dev.runex.topology.queueing.QueueingSubtopology;
import dev.runex.topology.quota.QuotaGate;
import dev.runex.topology.quota.QuotaSubtopology;
import dev.runex.topology.state.BoundedRocksDbMemory;
import dev.runex.topology.status.EpochChangelog;
import dev.runex.topology.status.StatusHttpServer;
import dev.runex.topology.status.StatusQueries;
import dev.runex.topology.status.StatusSubtopology;
import dev.runex.topology.status.StatusUpdater;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runex topology: one Kafka Streams application, {@code processing.guarantee=exactly_once_v2}.
 *
 * <p>Intake ({@link IntakeProcessor}, wired by {@link IntakeSubtopology}): reads {@code intake}
 * (raw key and value bytes); for refused input writes {@code results} (key job id, REJECTED {@code
 * JobResult}) and {@code dead-letter} (key: the original record key bytes, {@code DeadLetter});
 * lifecycle events go to {@code events} (key job id). A valid job takes the fewest hops it needs:
 *
 * <ul>
 *   <li>due now, without quota or idempotency key (most jobs): straight to {@code scheduled.<pool>}
 *       in intake's own transaction ({@link DirectDispatch}), through the same cancel check, expiry
 *       check and {@link PoolDispatcher} as the queueing stage's path, with the same events; one
 *       exactly-once hop from intake to the pool, one decode;
 *   <li>delayed, or gated by a quota: to {@code validated} (key job id, {@code Job}), for the delay
 *       index, whose store lives in the queueing sub-topology's task (which also takes retries), or
 *       for the quota route there, which sends it on through {@code admission} (key tenant) to the
 *       task holding its tenant's quota state;
 *   <li>with an idempotency key: through the dedupe stage ({@link IdempotencyGate}), re-keyed by
 *       tenant + idempotency key through a repartition topic so that every submission with one key
 *       meets in one task, then to {@code validated}.
 * </ul>
 *
 * <p>Queueing and scheduling ({@link DelayIndex}, {@link PoolDispatcher}, wired by {@link
 * QueueingSubtopology}): reads {@code validated} and {@code retry} (key job id, {@code Job}); holds
 * not-yet-due jobs in the changelogged {@code delay-index} store; writes due jobs to {@code
 * scheduled.<pool>} keyed by the job's partition key (same key → same partition → in order), events
 * to {@code events}. Jobs cancelled through {@code control} (global store {@link ControlStore},
 * readable from every task) before they are scheduled get a CANCELLED result on {@code results}
 * instead: checked on arrival here, on intake's direct path, and in the quota gate.
 *
 * <p>{@code scheduled.<pool>} thus has three writers, all in this application and all keyed by
 * partition key: intake's task, the queueing task and the quota gate's task. No stage reads it
 * back, so nothing needs it co-partitioned with {@code intake}.
 *
 * <p>Quotas ({@link QuotaGate}, wired by {@link QuotaSubtopology}): due jobs of tenants with quotas
 * go through {@code admission} (key tenant) to the quota gate, which admits them to their pools
 * while the tenant's in-flight and rate quotas allow; workers hand slots back through {@code
 * feedback} when an admitted attempt ends.
 *
 * <p>Feedback ({@link FeedbackRouter}, wired by {@link FeedbackSubtopology}): the one channel from
 * workers back to the topology. {@code feedback} holds typed {@code Feedback} records
 * (Confluent-framed Avro), each keyed for its consumer: quota releases (key tenant) for the quota
 * gate, finished scheduled runs (key schedule name) for the schedules stage. A worker writes them
 * in the transaction of the attempt's result or retry; the stages that end a job themselves
 * (intake, queueing, quota) write a finished run with the result ({@link ResultFeedback}).
 * Unreadable feedback is logged and skipped.
 *
 * <p>Status ({@link StatusUpdater}, wired by {@link StatusSubtopology}): reads {@code events} into
 * the changelogged {@code job-status} stores, which this process serves over HTTP ({@link
 * StatusHttpServer}; instances find each other through Kafka Streams' {@code application.server}).
 *
 * <p>Schedules ({@link ScheduleFirer}, wired by {@link SchedulesSubtopology}): reads {@code
 * schedules} and the finished runs of {@code feedback}, keeps each schedule's firing state in
 * changelogged stores, and submits each firing to {@code intake} as a job with a deterministic id.
 *
 * <p>Upgrading from a version that sent every job through {@code validated}: nothing to drain or
 * delete. The direct path adds processors and sinks inside intake's sub-topology (no store, no
 * internal topic; sub-topology numbers unchanged), and the queueing stage still reads {@code
 * validated}, so jobs an old instance wrote there are scheduled as before. See docs/topics.md.
 *
 * <p>Upgrading from a version with {@code admission-releases} (NUL-joined text quota releases) and
 * a schedules stage that read {@code results}: that topic and the {@code
 * <application.id>-schedule-completions-repartition} topic are no longer read, and the quota and
 * schedules stages now share one sub-topology. Drain first, so nothing in flight is written in the
 * old form: pause the gated tenants and the schedules (or stop submitting), let workers finish what
 * is running, stop every topology and worker, then start the new version (topologies first, so
 * {@code feedback} exists before workers write to it). A quota release written as text after the
 * last old topology stopped would be lost and hold its slot until an operator resets the tenant's
 * state; a scheduled run's old-style completion would leave an overlap-limited schedule waiting.
 * The old topics can then be deleted. See docs/topics.md.
 *
 * <p>Guarantees: each input record's outputs, store updates and offset commit form one transaction,
 * so every job is validated, released and scheduled exactly once, across crashes and restarts. Bad
 * input never stops the topology. An unreachable schema registry holds the record that needs it
 * until the registry answers (no record is rejected for it, no thread dies); a broker that is away
 * is Kafka Streams' to wait out; other infrastructure failures fail the stream thread without
 * committing, and it is replaced (see {@link StreamThreadRecovery}).
 */
public final class RunexTopology implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunexTopology.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;
  private final DelayedBacklogs delayed = new DelayedBacklogs();

  /**
   * The status store runs as its own Streams application (application id + {@code -status}), on its
   * own thread and transactions: folding five events per job on the intake/queueing thread
   * measurably delayed every job (bench: p99 at 2,000 jobs/s 2.8x the bare chain with it there,
   * 1.1x without). Null when {@code runex.topology.statusEnabled} is false.
   */
  private final KafkaStreams statusStreams;

  private final KafkaStreamsMetrics statusMetrics;
  private final StatusHttpServer status;
  private final RunexConfig cfg;
  private final RunexTopics topics;
  private final TopologyHealth health;
  private volatile boolean closing;

  /**
   * A topology client for this process (not started). With the job-status application enabled (the
   * default), its status API, when it has a port, is bound. Its serdes and intake decoder wait out
   * a schema registry outage ({@link PatientSchemaRegistryClient}) until it is closed.
   */
  public RunexTopology(RunexConfig cfg, RunexTopics shared, MeterRegistry meters) {
    String instanceId = instanceId();
    this.cfg = cfg;
    RunexTopics topics =
        shared.withRegistry(new PatientSchemaRegistryClient(shared.registry(), () -> closing));
    this.topics = topics;
    Properties jobsProps = streamsProperties(cfg);
    this.streams = new KafkaStreams(build(cfg, topics, meters, delayed, instanceId), jobsProps);
    this.metrics = new KafkaStreamsMetrics(streams);
    Properties statusProps = null;
    if (cfg.bool(Settings.TOPOLOGY_STATUS_ENABLED)) {
      this.status = StatusHttpServer.bind(cfg);
      statusProps = statusProperties(cfg);
      if (status != null) {
        HostInfo self = status.advertised();
        statusProps.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
      }
      this.statusStreams = new KafkaStreams(buildStatus(cfg, topics), statusProps);
      if (status != null) {
        status.serve(new StatusQueries(statusStreams, status.advertised(), topics.events().name()));
      }
      this.statusMetrics = new KafkaStreamsMetrics(statusStreams);
    } else {
      this.status = null;
      this.statusStreams = null;
      this.statusMetrics = null;
      log.info(
          "The job-status application is off ({}=false): no status stores or API",
          Settings.TOPOLOGY_STATUS_ENABLED.key());
    }
    List<TopologyHealth.Watched> watched = new ArrayList<>();
    for (KafkaStreams s : clients()) {
      s.setUncaughtExceptionHandler(
          new StreamThreadRecovery(
              cfg.intValue(Settings.TOPOLOGY_MAX_THREAD_REPLACEMENTS),
              Duration.ofMinutes(5),
              Clock.systemUTC()));
      s.setStateListener(
          (now, before) -> log.info("Topology {} went from {} to {}", instanceId, before, now));
      RestoringStores restoring = new RestoringStores();
      s.setGlobalStateRestoreListener(restoring);
      String name =
          (s == streams ? jobsProps : statusProps).getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
      watched.add(new TopologyHealth.Watched(name, s, restoring));
    }
    this.health = new TopologyHealth(watched);
    metrics.bindTo(meters);
    if (statusMetrics != null) {
      statusMetrics.bindTo(meters);
    }
  }

  /**
   * The Kafka Streams clients this process runs: the jobs application, and the status one when
   * enabled.
   */
  private List<KafkaStreams> clients() {
    return statusStreams == null ? List.of(streams) : List.of(streams, statusStreams);
  }

  /** The topology the application runs; tests drive the same one. */
  public static Topology build(
      RunexConfig cfg, RunexTopics topics, MeterRegistry meters, String instanceId) {
    return build(cfg, topics, meters, new DelayedBacklogs(), instanceId);
  }

  /**
   * The topology the application runs, its delay-index tasks counting what they hold in {@code
   * delayed}.
   */
  public static Topology build(
      RunexConfig cfg,
      RunexTopics topics,
      MeterRegistry meters,
      DelayedBacklogs delayed,
      String instanceId) {
    StageCounters counters = new StageCounters(meters);
    // an alert watches the increase of the dead letters: the counter exists at 0 from the start
    counters.register(RunexMeters.JOB_DEAD_LETTERED, Lifecycle.INTAKE);
    StreamsBuilder builder = new StreamsBuilder();
    IntakeSubtopology.add(builder, cfg, topics, counters, instanceId);
    SchedulesSubtopology.add(
        builder,
        cfg,
        topics,
        counters,
        FeedbackSubtopology.add(builder, topics, QuotaSubtopology.GATE));
    Topology topology = builder.build();
    IntakeSubtopology.addDirectDispatch(topology, cfg, topics, counters, instanceId);
    QueueingSubtopology.add(
        topology,
        cfg,
        topics,
        counters,
        TaskSizeGauge.register(meters, RunexMeters.QUEUE_DELAY_INDEX_SIZE),
        delayed,
        instanceId);
    QuotaSubtopology.add(topology, cfg, topics, counters, instanceId);
    return topology;
  }

  /**
   * The job-status application (its own Streams app in the same process); tests drive the same one.
   */
  public static Topology buildStatus(RunexConfig cfg, RunexTopics topics) {
    Topology topology = new Topology();
    StatusSubtopology.add(topology, cfg, topics);
    return topology;
  }

  /**
   * Settings of the status application: the topology's, under application id {@code <id>-status},
   * with its own commit interval ({@code runex.topology.statusCommitInterval}: it is off the result
   * path, so its commits need not be as frequent as the jobs' hops), transaction timeout ({@code
   * runex.topology.statusTransactionTimeout}) and stream threads ({@code
   * runex.topology.statusStreamThreads}).
   */
  public static Properties statusProperties(RunexConfig cfg) {
    // Its transactions carry only its own changelogs: a longer timeout than the jobs path's lets
    // it ride out a stalled stream thread instead of being fenced and restoring its stores.
    return properties(
        cfg,
        cfg.string(Settings.TOPOLOGY_APPLICATION_ID) + "-status",
        cfg.duration(Settings.TOPOLOGY_STATUS_COMMIT_INTERVAL),
        cfg.intValue(Settings.TOPOLOGY_STATUS_THREADS),
        Map.of(
            StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
            (int) cfg.duration(Settings.TOPOLOGY_STATUS_TRANSACTION_TIMEOUT).toMillis()));
  }

  /**
   * Kafka Streams settings from the runex config; {@code runex.kafka.streams.*} (and common) win.
   */
  public static Properties streamsProperties(RunexConfig cfg) {
    return properties(
        cfg,
        cfg.string(Settings.TOPOLOGY_APPLICATION_ID),
        cfg.duration(Settings.TOPOLOGY_COMMIT_INTERVAL),
        cfg.intValue(Settings.TOPOLOGY_THREADS),
        Map.of());
  }

  /**
   * The settings both applications share, plus {@code own}; {@code runex.kafka.*} wins over all.
   */
  private static Properties properties(
      RunexConfig cfg,
      String applicationId,
      Duration commit,
      int threads,
      Map<String, Object> own) {
    long commitMs = commit.toMillis();
    Map<String, Object> base = new HashMap<>(own);
    base.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    base.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    base.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    base.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    base.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(cfg));
    base.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    base.put(
        StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
        cfg.intValue(Settings.TOPOLOGY_STANDBY_REPLICAS));
    base.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, cfg.intValue(Settings.TOPIC_REPLICATION));
    // One native-memory budget for all the process's stores, not a cache and memtables per store.
    base.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    base.put(BoundedRocksDbMemory.BYTES_CONFIG, cfg.bytes(Settings.TOPOLOGY_ROCKSDB_MEMORY));
    // Generated names (KSTREAM-...-0000000003) break upgrades; refuse to start with any.
    base.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    // Fail, never skip: a record the topology cannot read, process or write because of an outage
    // must be retried, not dropped. Bad intake input never throws (it becomes a dead letter).
    base.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class);
    base.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class);
    base.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class);
    base.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // the 5.0 default
    // Under exactly-once nothing is visible before the commit, and the commit flushes: lingering
    // up to the commit interval costs no latency and makes few large batches instead of many.
    base.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), commitMs);
    base.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    base.put(
        StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG),
        KafkaOverrides.TRANSACTION_RETRY_BACKOFF_MS);
    base.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    // The queueing task reads two topics (validated, retry) whose relative order carries no
    // meaning; never hold a task back waiting to align their timestamps.
    base.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // Wall-clock punctuators and the commit run between polls: an idle poll must outlast neither
    // the release interval nor the commit interval, or it holds releases and finished work back.
    base.put(
        StreamsConfig.POLL_MS_CONFIG,
        Math.min(
            100L,
            Math.min(commitMs, cfg.duration(Settings.TOPOLOGY_PUNCTUATE_INTERVAL).toMillis())));
    Properties props = new Properties();
    props.putAll(cfg.kafka().streams(base));
    return props;
  }

  private static String stateDir(RunexConfig cfg) {
    String dir = cfg.string(Settings.TOPOLOGY_STATE_DIR);
    return dir.isBlank()
        ? Path.of(System.getProperty("java.io.tmpdir"), "runex-topology").toString()
        : dir;
  }

  /** Names this process in lifecycle events: pod/host name and pid. */
  private static String instanceId() {
    String host = System.getenv("HOSTNAME");
    return "topology-"
        + (host == null || host.isBlank() ? "local" : host)
        + "-"
        + ProcessHandle.current().pid();
  }

  /**
   * Registers the jobs path's schemas ahead on a thread of its own ({@link SchemaWarmUp}), writes
   * the config's schedules to the schedules topic (see {@link ConfigSchedules}), creates the status
   * application's epoch changelog when it is missing ({@link EpochChangelog}), then starts.
   */
  public void start() {
    SchemaWarmUp.start(cfg, topics);
    ConfigSchedules.reconcile(cfg, topics);
    if (statusStreams != null) {
      EpochChangelog.ensure(statusProperties(cfg), topics.events().name());
    }
    clients().forEach(KafkaStreams::start);
  }

  /**
   * Liveness and readiness of this process's Streams clients (see {@link TopologyHealth}): what
   * {@code /health/live} and {@code /health/ready} answer.
   */
  public TopologyHealth health() {
    return health;
  }

  @Override
  public void close() {
    close(CLOSE_TIMEOUT);
  }

  /**
   * Stops the status API and both Streams clients, at the same time, waiting up to {@code timeout}
   * for them; each leaves its group, so its tasks (and the delay index with its due jobs) move to
   * the remaining or replacement instance at once instead of after session.timeout.ms.
   */
  public void close(Duration timeout) {
    health.stopping();
    closing = true; // a stream thread waiting for the schema registry gives up
    if (status != null) {
      status.close();
    }
    CloseOptions.GroupMembershipOperation leave = CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
    // a zero timeout starts each client's shutdown without waiting, so both shut down in parallel
    for (KafkaStreams s : clients()) {
      s.close(CloseOptions.groupMembershipOperation(leave).withTimeout(Duration.ZERO));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (KafkaStreams s : clients()) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (!s.close(CloseOptions.groupMembershipOperation(leave).withTimeout(left))) {
        log.warn("Topology client did not shut down within {} (state {})", timeout, s.state());
      }
    }
    if (statusMetrics != null) {
      statusMetrics.close();
    }
    metrics.close();
  }

  /**
   * What this instance's delay-index tasks hold, per pool and priority (for the backlog meters).
   */
  public DelayedBacklog delayedBacklog() {
    return delayed;
  }

  /** Base URL of this instance's job status API ({@code /jobs}), or empty when disabled. */
  public Optional<URI> statusUrl() {
    return Optional.ofNullable(status).map(StatusHttpServer::url);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Holds ({@code true}) or resumes the jobs application's processing without leaving its group
   * (Kafka Streams' pause): while held, nothing is read from intake and no delayed job or schedule
   * firing is released; the job-status application and its API go on.
   */
  public void holdJobs(boolean hold) {
    if (hold) {
      streams.pause();
    } else {
      streams.resume();
    }
  }

  /**
   * Standby tasks this process keeps (jobs and status applications together): warm copies of other
   * instances' stores.
   */
  public int standbyTaskCount() {
    int count = 0;
    for (KafkaStreams s : clients()) {
      count += s.metadataForLocalThreads().stream().mapToInt(t -> t.standbyTasks().size()).sum();
    }
    return count;
  }

  /**
   * The names of this process's live stream threads (jobs and status applications). A thread that
   * died and was replaced shows up as a new name: Streams numbers its threads on.
   */
  public java.util.Set<String> streamThreadNames() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (KafkaStreams s : clients()) {
      s.metadataForLocalThreads().forEach(t -> names.add(t.threadName()));
    }
    return names;
  }

  /**
   * Running or rebalancing: every client (jobs, and status when enabled) is alive and will process.
   */
  public boolean isRunning() {
    return clients().stream().allMatch(s -> s.state().isRunningOrRebalancing());
  }
}

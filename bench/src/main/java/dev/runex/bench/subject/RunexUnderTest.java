package dev.runex.bench.subject;

import dev.runex.bench.BenchParams;
import dev.runex.config.ConfigLoader;
import dev.runex.config.Quotas;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.monitoring.StoreMetricTags;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * runex as {@code runex local} runs it — the topology and one worker in this JVM — with the bundled
 * default configuration (events and metrics on, a real Prometheus registry, no scrape endpoint).
 * Only what must differ per run is overridden: the broker and registry addresses, a fresh topic
 * prefix, application id, worker id and state folder, plus the partitions and commit interval the
 * benchmark gives both systems (runex's own defaults unless changed on the command line), and, with
 * {@code --quota-max-in-flight}, a default tenant quota (to measure the quota gate's cost).
 */
public final class RunexUnderTest implements SystemUnderTest {
  private static final Logger log = LoggerFactory.getLogger(RunexUnderTest.class);

  private final RunexConfig cfg;
  private final RunexTopics topics;
  private final Deserializer<JobResult> resultReader;
  private final Deserializer<JobEvent> eventReader;
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private RunexTopology topology;
  private JobWorker worker;

  public RunexUnderTest(
      String bootstrapServers,
      String registryUrl,
      String prefix,
      Path stateDir,
      BenchParams params) {
    this(bootstrapServers, registryUrl, prefix, stateDir, params, true);
  }

  /**
   * runex as users get it, but with its job-status application off ({@code
   * runex.topology.statusEnabled}).
   */
  public static RunexUnderTest withoutStatus(
      String bootstrapServers,
      String registryUrl,
      String prefix,
      Path stateDir,
      BenchParams params) {
    return new RunexUnderTest(bootstrapServers, registryUrl, prefix, stateDir, params, false);
  }

  private RunexUnderTest(
      String bootstrapServers,
      String registryUrl,
      String prefix,
      Path stateDir,
      BenchParams params,
      boolean status) {
    this(
        withQuota(
            withoutStatusIf(
                !status,
                baseConfig(bootstrapServers, registryUrl, prefix, stateDir, settings(params))),
            params.quotaMaxInFlight()));
  }

  /** The bench's settings for runex: its partitions, then what the command line changed. */
  private static Map<String, String> settings(BenchParams params) {
    Map<String, String> values = new HashMap<>(params.runexSettings());
    values.put(Settings.TOPIC_PARTITIONS.key(), Integer.toString(params.partitions()));
    return values;
  }

  /**
   * The status application off when asked for; otherwise as configured (on by default, and {@code
   * RUNEX_TOPOLOGY_STATUS_ENABLED=false} turns it off for every phase, the latency phase too).
   */
  private static RunexConfig withoutStatusIf(boolean off, RunexConfig cfg) {
    return off ? cfg.with(Settings.TOPOLOGY_STATUS_ENABLED, "false") : cfg;
  }

  private RunexUnderTest(RunexConfig cfg) {
    this.cfg = cfg;
    this.topics = cfg.topics();
    meters.config().meterFilter(new StoreMetricTags()); // as runex's own /metrics registry
    this.resultReader = topics.results().valueSerde().deserializer();
    this.eventReader = topics.events().valueSerde().deserializer();
  }

  /**
   * runex with the bundled default configuration and nothing else changed but what must differ per
   * run (addresses, topic prefix, ids, state folder, no scrape endpoint) and {@code overrides}
   * (setting key → value), for scenarios that measure runex alone.
   */
  public static RunexUnderTest configured(
      String bootstrapServers,
      String registryUrl,
      String prefix,
      Path stateDir,
      Map<String, String> overrides) {
    return new RunexUnderTest(
        baseConfig(bootstrapServers, registryUrl, prefix, stateDir, overrides));
  }

  private static RunexConfig baseConfig(
      String bootstrapServers,
      String registryUrl,
      String prefix,
      Path stateDir,
      Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(overrides);
    values.put(Settings.BOOTSTRAP_SERVERS.key(), bootstrapServers);
    values.put(Settings.SCHEMA_REGISTRY_URL.key(), registryUrl);
    values.put(Settings.TOPIC_PREFIX.key(), prefix);
    values.put(Settings.TOPOLOGY_APPLICATION_ID.key(), prefix + "topology");
    values.put(Settings.TOPOLOGY_STATE_DIR.key(), stateDir.toString());
    values.put(Settings.WORKER_ID.key(), prefix + "worker");
    values.put(Settings.METRICS_PORT.key(), "-1");
    // runex's own defaults, and RUNEX_* environment variables (RUNEX_TOPOLOGY_COMMIT_INTERVAL=...)
    // to measure others
    return ConfigLoader.load(null, System.getenv(), values);
  }

  private static RunexConfig withQuota(RunexConfig cfg, int quotaMaxInFlight) {
    if (quotaMaxInFlight <= 0) {
      return cfg;
    }
    return cfg.withQuotas(
        new Quotas(new Quotas.Block(quotaMaxInFlight, null, null, Map.of()), Map.of()));
  }

  /** The configuration this runex runs with (topics, settings). */
  public RunexConfig config() {
    return cfg;
  }

  /** A result value as a downstream consumer decodes it (Avro via the registry). */
  public JobResult decodeResult(byte[] resultValue) {
    return resultReader.deserialize(resultsTopic(), resultValue);
  }

  /** A lifecycle event value as a downstream consumer decodes it (Avro via the registry). */
  public JobEvent decodeEvent(byte[] eventValue) {
    return eventReader.deserialize(topics.events().name(), eventValue);
  }

  public String eventsTopic() {
    return topics.events().name();
  }

  /** The topic of schedule definitions (key: name; JSON or Avro {@code Schedule}). */
  public String schedulesTopic() {
    return topics.schedules().name();
  }

  @Override
  public String name() {
    return "runex";
  }

  @Override
  public String intakeTopic() {
    return topics.intake().name();
  }

  @Override
  public String resultsTopic() {
    return topics.results().name();
  }

  @Override
  public void provision() {
    TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
  }

  @Override
  public void start() {
    topology = new RunexTopology(cfg, topics, meters);
    topology.start();
    worker = new JobWorker(cfg, topics, HandlerRegistry.withBuiltins(), meters);
    worker.start();
  }

  /**
   * The job-status application (when on): its Kafka Streams application id is its group, reading
   * events.
   */
  @Override
  public List<SideReader> sideReaders() {
    if (!cfg.bool(Settings.TOPOLOGY_STATUS_ENABLED)) {
      return List.of();
    }
    return List.of(
        new SideReader(
            RunexTopology.statusProperties(cfg).getProperty(StreamsConfig.APPLICATION_ID_CONFIG),
            topics.events().name()));
  }

  /**
   * Decodes the result as a downstream consumer would (Avro via the registry) and checks its
   * status.
   */
  @Override
  public boolean succeeded(byte[] resultValue) {
    JobResult result = decodeResult(resultValue);
    return result != null && result.getStatus() == JobStatus.SUCCEEDED;
  }

  @Override
  public void close() {
    try {
      log.info("runex timings: {}", RunexTimings.summary(meters));
    } catch (RuntimeException e) {
      log.debug("runex timings not available: {}", e.toString());
    }
    try {
      if (worker != null) {
        // A worker that stopped by itself explains missing results better than the timeout does.
        worker
            .failure()
            .ifPresent(e -> log.warn("runex worker had stopped on its own: {}", e.toString()));
        worker.close();
      }
    } finally {
      if (topology != null) {
        topology.close();
      }
      meters.close();
    }
  }
}

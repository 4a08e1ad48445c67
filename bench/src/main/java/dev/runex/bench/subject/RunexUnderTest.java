package dev.runex.bench.subject;

import dev.runex.bench.BenchParams;
import dev.runex.config.ConfigLoader;
import dev.runex.config.Quotas;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
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
    String interval = params.commitInterval().toMillis() + "ms";
    RunexConfig cfg =
        ConfigLoader.load(
                null,
                Map.of(),
                Map.of(
                    Settings.BOOTSTRAP_SERVERS.key(),
                    bootstrapServers,
                    Settings.SCHEMA_REGISTRY_URL.key(),
                    registryUrl,
                    Settings.TOPIC_PREFIX.key(),
                    prefix,
                    Settings.TOPIC_PARTITIONS.key(),
                    Integer.toString(params.partitions()),
                    Settings.TOPOLOGY_APPLICATION_ID.key(),
                    prefix + "topology",
                    Settings.TOPOLOGY_STATE_DIR.key(),
                    stateDir.toString(),
                    Settings.TOPOLOGY_COMMIT_INTERVAL.key(),
                    interval,
                    Settings.WORKER_COMMIT_INTERVAL.key(),
                    interval,
                    Settings.WORKER_ID.key(),
                    prefix + "worker",
                    Settings.METRICS_PORT.key(),
                    "-1"))
            .with(Settings.TOPOLOGY_STATUS_ENABLED, Boolean.toString(status));
    if (params.quotaMaxInFlight() > 0) {
      cfg =
          cfg.withQuotas(
              new Quotas(
                  new Quotas.Block(params.quotaMaxInFlight(), null, null, Map.of()), Map.of()));
    }
    this.cfg = cfg;
    this.topics = cfg.topics();
    this.resultReader = topics.results().valueSerde().deserializer();
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
    JobResult result = resultReader.deserialize(resultsTopic(), resultValue);
    return result != null && result.getStatus() == JobStatus.SUCCEEDED;
  }

  @Override
  public void close() {
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

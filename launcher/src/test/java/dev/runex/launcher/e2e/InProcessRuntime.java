package dev.runex.launcher.e2e;

import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.launcher.monitoring.BacklogMetrics;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The topology and workers running in the test JVM against the real broker, as `runex local` runs
 * them.
 */
final class InProcessRuntime implements AutoCloseable {
  final RunexConfig cfg;
  final RunexTopics topics;
  final MeterRegistry meters;
  private RunexTopology topology;
  private final List<JobWorker> workers = new ArrayList<>();
  private BacklogMetrics backlog;

  InProcessRuntime(RunexConfig cfg) {
    this(cfg, new SimpleMeterRegistry());
  }

  /** A runtime publishing its meters in {@code meters} (e.g. a metrics endpoint's registry). */
  InProcessRuntime(RunexConfig cfg, MeterRegistry meters) {
    this.cfg = cfg;
    this.meters = meters;
    this.topics = cfg.topics();
    TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
  }

  /**
   * Publishes the backlog meters of every pool, as {@code runex local} does (with the topology's
   * delay index when the topology runs).
   */
  InProcessRuntime startBacklogMetrics() {
    backlog =
        BacklogMetrics.start(
            cfg, topics, cfg.pools(), meters, topology == null ? null : topology.delayedBacklog());
    return this;
  }

  InProcessRuntime startTopology() {
    topology = new RunexTopology(cfg, topics, meters);
    topology.start();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> topology.state() == KafkaStreams.State.RUNNING);
    return this;
  }

  RunexTopology topology() {
    return topology;
  }

  /** Base URL of the running topology's job status API. */
  java.net.URI statusUrl() {
    return topology.statusUrl().orElseThrow();
  }

  JobWorker startWorker(HandlerRegistry handlers) {
    JobWorker w = new JobWorker(cfg, topics, handlers, meters);
    w.start();
    workers.add(w);
    return w;
  }

  @Override
  public void close() {
    if (backlog != null) {
      backlog.close();
    }
    workers.forEach(JobWorker::close);
    if (topology != null) {
      topology.close();
    }
  }
}

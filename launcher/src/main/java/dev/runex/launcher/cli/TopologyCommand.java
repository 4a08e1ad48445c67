package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.launcher.monitoring.BacklogMetrics;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code runex topology}: runs the Kafka Streams application (intake, queueing, scheduling, status)
 * and its status API.
 */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    description = "Run the topology (intake validation, delay index, scheduling) until stopped.")
public final class TopologyCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    RunexConfig cfg = config.load();
    Lifetime lifetime = new Lifetime();
    MetricsEndpoint metrics =
        lifetime.add("the metrics endpoint", MetricsEndpoint.start(cfg, "topology"));
    RunexTopics topics = cfg.topics();
    TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
    RunexTopology topology =
        lifetime.add("the topology", new RunexTopology(cfg, topics, metrics.registry()));
    metrics.health(topology.health());
    topology.start();
    lifetime.add(
        "the backlog meters",
        BacklogMetrics.start(
            cfg, topics, cfg.pools(), metrics.registry(), topology.delayedBacklog()));
    lifetime.exitWhen(() -> stopped(topology), "the topology");
    System.out.println(
        "runex topology running against "
            + cfg.bootstrapServers()
            + topology.statusUrl().map(u -> "; job status at " + u + "/jobs").orElse("")
            + "; Ctrl-C to stop");
    lifetime.awaitShutdown();
    return 0;
  }

  /** Started, and then stopped by itself (ERROR, or shut down after repeated thread failures). */
  static boolean stopped(RunexTopology topology) {
    return !topology.isRunning() && topology.state() != KafkaStreams.State.CREATED;
  }
}

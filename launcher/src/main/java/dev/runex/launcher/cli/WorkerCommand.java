package dev.runex.launcher.cli;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.launcher.monitoring.BacklogMetrics;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runex worker --pool P}: one worker replica of a pool. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description =
        "Run one worker replica for a pool until stopped (SIGTERM drains in-flight jobs and commits).")
public final class WorkerCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(names = "--pool", description = "Pool to serve (default: runex.worker.pool).")
  String pool;

  @Option(
      names = "--id",
      description = "Stable worker id (static group membership, transactional.id).")
  String id;

  @Option(
      names = "--concurrency",
      description = "Jobs run at once (default: runex.worker.concurrency).")
  Integer concurrency;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new HashMap<>();
    if (pool != null) {
      extra.put(Settings.WORKER_POOL.key(), pool);
    }
    if (id != null) {
      extra.put(Settings.WORKER_ID.key(), id);
    }
    if (concurrency != null) {
      extra.put(Settings.WORKER_CONCURRENCY.key(), concurrency.toString());
    }
    RunexConfig cfg = config.load(extra);
    Lifetime lifetime = new Lifetime();
    MetricsEndpoint metrics =
        lifetime.add("the metrics endpoint", MetricsEndpoint.start(cfg, "worker"));
    RunexTopics topics = cfg.topics();
    TopicProvisioner.ensureTopics(cfg, topics, List.of(cfg.string(Settings.WORKER_POOL)));
    JobWorker worker =
        lifetime.add(
            "the worker (running jobs get up to "
                + cfg.duration(Settings.WORKER_DRAIN_TIMEOUT).toSeconds()
                + " s to finish, "
                + Settings.WORKER_DRAIN_TIMEOUT.key()
                + ")",
            new JobWorker(cfg, topics, HandlerRegistry.withBuiltins(), metrics.registry()));
    metrics.health(worker.health());
    worker.start();
    lifetime.add(
        "the backlog meters",
        BacklogMetrics.start(
            cfg, topics, List.of(cfg.string(Settings.WORKER_POOL)), metrics.registry(), null));
    lifetime.exitWhen(() -> !worker.isRunning(), "worker " + worker.workerId());
    System.out.println(
        "runex worker "
            + worker.workerId()
            + " serving pool "
            + cfg.string(Settings.WORKER_POOL)
            + "; Ctrl-C to stop");
    lifetime.awaitShutdown();
    return 0;
  }
}

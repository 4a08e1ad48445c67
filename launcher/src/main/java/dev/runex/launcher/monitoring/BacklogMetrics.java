package dev.runex.launcher.monitoring;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.backlog.BacklogMeters;
import dev.runex.monitoring.backlog.BacklogProbe;
import dev.runex.monitoring.backlog.DelayedBacklog;
import dev.runex.monitoring.backlog.PoolPriority;
import dev.runex.schemas.topics.RunexTopics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backlog meters of one runex process, per pool and priority: what waits on the pools'
 * scheduled topics (a {@link BacklogProbe}, sampled every {@code runex.metrics.backlogInterval})
 * and, in a process that runs the topology, what waits in its delay index. Start once per process:
 * {@code runex local} runs topology and worker on one registry and publishes one set.
 */
public final class BacklogMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BacklogMetrics.class);
  private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(10);

  private final BacklogProbe probe;

  private BacklogMetrics(BacklogProbe probe) {
    this.probe = probe;
  }

  /**
   * Publishes the backlogs of {@code pools} in {@code registry}.
   *
   * @param delayed the delay index of the topology this process runs; null in a worker-only process
   */
  public static BacklogMetrics start(
      RunexConfig cfg,
      RunexTopics topics,
      Collection<String> pools,
      MeterRegistry registry,
      DelayedBacklog delayed) {
    Clock clock = Clock.systemUTC();
    if (delayed != null) {
      BacklogMeters.register(registry, delayed, PoolPriority.of(pools), clock);
    }
    Duration interval = cfg.duration(Settings.METRICS_BACKLOG_INTERVAL);
    if (interval.isZero() || pools.isEmpty()) {
      log.info(
          "backlog sampling is off ({}={}, pools {})",
          Settings.METRICS_BACKLOG_INTERVAL.key(),
          interval,
          pools);
      return new BacklogMetrics(null);
    }
    Map<String, Object> bootstrap =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    Duration timeout =
        interval.compareTo(MAX_REQUEST_TIME) > 0
            ? MAX_REQUEST_TIME
            : interval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : interval;
    BacklogProbe probe =
        BacklogProbe.create(
            topics,
            List.copyOf(pools),
            cfg::workerGroupId,
            cfg.kafka().consumer(bootstrap),
            cfg.kafka().admin(bootstrap),
            new BacklogProbe.Options(
                interval, cfg.duration(Settings.METRICS_BACKLOG_RATE_WINDOW), timeout));
    BacklogMeters.register(registry, probe, clock);
    probe.start();
    return new BacklogMetrics(probe);
  }

  @Override
  public void close() {
    if (probe != null) {
      probe.close();
    }
  }
}

package dev.runex.gateway.overview;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.backlog.BacklogProbe;
import dev.runex.monitoring.backlog.BacklogSample;
import dev.runex.monitoring.backlog.PoolPriority;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The overview's backlog from the same {@link BacklogProbe} that publishes the runtime's backlog
 * meters ({@code runex.backlog.*}): records waiting per pool and priority after the pool's worker
 * group's committed offsets, and the age of the oldest waiting job. A backlog not sampled yet shows
 * as nothing waiting.
 */
public final class ProbedBacklog implements BacklogSource, AutoCloseable {
  private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(10);

  private final BacklogProbe probe;
  private final List<PoolPriority> backlogs;
  private final Clock clock;

  public ProbedBacklog(RunexConfig cfg, RunexTopics topics, Clock clock) {
    this.clock = clock;
    this.backlogs = PoolPriority.of(cfg.pools()); // pools in config order, highest priority first
    Map<String, Object> bootstrap =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    // the console refreshes every few seconds: sample at least that often, whatever the metrics do
    Duration interval = cfg.duration(Settings.METRICS_BACKLOG_INTERVAL);
    if (interval.isZero() || interval.compareTo(Duration.ofSeconds(2)) > 0) {
      interval = Duration.ofSeconds(2);
    }
    this.probe =
        BacklogProbe.create(
                topics,
                List.copyOf(cfg.pools()),
                cfg::workerGroupId,
                cfg.kafka().consumer(bootstrap),
                cfg.kafka().admin(bootstrap),
                new BacklogProbe.Options(
                    interval, cfg.duration(Settings.METRICS_BACKLOG_RATE_WINDOW), MAX_REQUEST_TIME))
            .start();
  }

  @Override
  public List<Backlog> backlog() {
    long now = clock.millis();
    List<Backlog> out = new ArrayList<>();
    for (PoolPriority b : backlogs) {
      BacklogSample s = probe.latest(b).orElse(null);
      if (s == null) {
        out.add(new Backlog(b.pool(), b.priorityName(), 0, Duration.ZERO, false));
        continue;
      }
      double age = s.oldestAgeSeconds(now);
      out.add(
          new Backlog(
              b.pool(),
              b.priorityName(),
              s.waiting(),
              Double.isNaN(age) ? Duration.ZERO : Duration.ofMillis((long) (age * 1000)),
              s.exact()));
    }
    return out;
  }

  @Override
  public void close() {
    probe.close();
  }
}

package dev.runex.monitoring.backlog;

import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Collection;

/**
 * Publishes the backlog meters of one process: {@code runex.backlog.waiting}, {@code
 * runex.backlog.oldest.age} and {@code runex.backlog.drain.time} from a {@link BacklogProbe}'s
 * latest samples, {@code runex.backlog.delayed} and {@code runex.backlog.next.due} from a {@link
 * DelayedBacklog} (the topology's delay index), each tagged {@code pool} and {@code priority}.
 * Register once per process and registry: a process that runs topology and workers together
 * publishes one set.
 *
 * <p>Gauges read what is already there (the probe's last sample, the delay index's counts); the
 * ages are taken against the clock at read time, so they grow smoothly between samples.
 */
public final class BacklogMeters {
  private BacklogMeters() {}

  /** The Kafka-side meters (waiting, oldest age, drain time) of every backlog the probe samples. */
  public static void register(MeterRegistry registry, BacklogProbe probe, Clock clock) {
    for (PoolPriority b : probe.backlogs()) {
      String[] tags = {b.pool(), b.priorityName()};
      RunexMeters.BACKLOG_WAITING.gauge(
          registry,
          probe,
          p -> p.latest(b).map(s -> (double) s.waiting()).orElse(Double.NaN),
          tags);
      RunexMeters.BACKLOG_OLDEST_AGE.timeGaugeSeconds(
          registry,
          probe,
          p -> p.latest(b).map(s -> s.oldestAgeSeconds(clock.millis())).orElse(Double.NaN),
          tags);
      RunexMeters.BACKLOG_DRAIN_TIME.timeGaugeSeconds(
          registry,
          probe,
          p -> p.latest(b).map(BacklogSample::drainSeconds).orElse(Double.NaN),
          tags);
    }
  }

  /** The delay-index meters (delayed count, time to the next due job) of these backlogs. */
  public static void register(
      MeterRegistry registry,
      DelayedBacklog delayed,
      Collection<PoolPriority> backlogs,
      Clock clock) {
    for (PoolPriority b : backlogs) {
      String[] tags = {b.pool(), b.priorityName()};
      RunexMeters.BACKLOG_DELAYED.gauge(registry, delayed, d -> d.delayed(b), tags);
      RunexMeters.BACKLOG_NEXT_DUE.timeGaugeSeconds(
          registry,
          delayed,
          d -> {
            var next = d.nextDueMillis(b);
            // a job past due is released within a punctuation: 0, not a negative wait
            return next.isEmpty()
                ? Double.NaN
                : Math.max(0, next.getAsLong() - clock.millis()) / 1000.0;
          },
          tags);
    }
  }
}

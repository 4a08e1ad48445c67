package dev.runex.gateway.schedules;

import dev.runex.config.CronExpression;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.control.PausedTargets;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.cron.ConfigSchedules;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recurring schedules as the console lists them: read from the compacted schedules topic (the
 * topology's own source, cached for a few seconds), with their next fire times computed from the
 * cron and zone, and whether they are paused ({@code schedule:<name>} on the control topic). A
 * tenant sees the schedules whose jobs are its own.
 */
public final class ScheduleCatalog {
  private static final Duration CACHE = Duration.ofSeconds(3);
  private static final int NEXT = 3;

  /** One schedule as listed. */
  public record Entry(
      String name,
      String cron,
      String zone,
      String tenant,
      String type,
      String overlap,
      String catchUp,
      String origin,
      boolean paused,
      List<Instant> nextFireTimes) {}

  private final RunexConfig cfg;
  private final RunexTopics topics;
  private final PausedTargets paused;
  private Map<String, Schedule> cached;
  private Instant cachedAt = Instant.EPOCH;

  public ScheduleCatalog(RunexConfig cfg, RunexTopics topics, PausedTargets paused) {
    this.cfg = cfg;
    this.topics = topics;
    this.paused = paused;
  }

  private synchronized Map<String, Schedule> schedules() {
    if (cached == null || Instant.now().isAfter(cachedAt.plus(CACHE))) {
      cached = ConfigSchedules.current(cfg, topics);
      cachedAt = Instant.now();
    }
    return cached;
  }

  public List<Entry> list(Caller caller) {
    List<Entry> out = new ArrayList<>();
    Instant now = Instant.now();
    schedules()
        .forEach(
            (name, s) -> {
              if (caller.sees(s.getJob().getTenant())) {
                out.add(entry(name, s, now));
              }
            });
    return out;
  }

  /** The schedule if the caller may see it. */
  public Optional<Entry> find(Caller caller, String name) {
    Schedule s = schedules().get(name);
    return s == null || !caller.sees(s.getJob().getTenant())
        ? Optional.empty()
        : Optional.of(entry(name, s, Instant.now()));
  }

  private Entry entry(String name, Schedule s, Instant now) {
    List<Instant> next = new ArrayList<>();
    try {
      CronExpression cron = CronExpression.parse(s.getCron());
      ZoneId zone = ZoneId.of(s.getZone());
      Instant at = now;
      for (int i = 0; i < NEXT; i++) {
        at = cron.next(at, zone);
        if (at == null) {
          break;
        }
        next.add(at);
      }
    } catch (RuntimeException e) {
      // an unreadable cron fires never; the topology logs it
    }
    return new Entry(
        name,
        s.getCron(),
        s.getZone(),
        s.getJob().getTenant(),
        s.getJob().getType(),
        s.getOverlap().name(),
        s.getCatchUp().name(),
        s.getOrigin(),
        paused.isPaused(ControlTargets.schedule(name)),
        next);
  }
}

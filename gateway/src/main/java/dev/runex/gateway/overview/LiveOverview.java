package dev.runex.gateway.overview;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.control.PausedTargets;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.control.ControlTargets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overview from live data: the backlog from a {@link BacklogSource}, refreshed every {@link
 * LifecycleStats#SLOT} on a thread of its own (so pages read the last figures and never wait for
 * Kafka), lifecycle figures from {@link LifecycleStats} per pool and per pool and priority, paused
 * targets from {@link PausedTargets}. A tenant's view has no backlog (offsets do not say whose jobs
 * wait) and only the pauses that hold its jobs: its tenant, and every type and pool.
 */
public final class LiveOverview implements OverviewSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveOverview.class);
  private static final List<JobPriority> PRIORITIES =
      List.of(JobPriority.HIGH, JobPriority.NORMAL, JobPriority.LOW);

  private final RunexConfig cfg;
  private final BacklogSource backlog;
  private final LifecycleStats stats;
  private final PausedTargets paused;
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "runex-gateway-backlog");
            t.setDaemon(true);
            return t;
          });
  private volatile List<Backlog> lastBacklog = List.of();
  private volatile Instant lastBacklogAt;
  private volatile String backlogError;

  public LiveOverview(
      RunexConfig cfg, BacklogSource backlog, LifecycleStats stats, PausedTargets paused) {
    this.cfg = cfg;
    this.backlog = backlog;
    this.stats = stats;
    this.paused = paused;
  }

  public LiveOverview start() {
    sampler.scheduleWithFixedDelay(
        this::refresh, 0, LifecycleStats.SLOT.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Reads the backlog now (the sampler does so every slot). */
  public void refresh() {
    try {
      List<Backlog> now = backlog.backlog();
      lastBacklog = now;
      lastBacklogAt = Instant.now();
      backlogError = null;
      for (Backlog b : now) {
        stats.sample(b.pool(), b.priority(), b.waiting());
      }
    } catch (RuntimeException e) {
      if (backlogError == null) {
        log.warn("cannot read the backlog: {}", e.toString());
      }
      backlogError = e.getMessage();
    }
  }

  /** When the backlog was last read, if it ever was. */
  public Optional<Duration> backlogAge() {
    Instant at = lastBacklogAt;
    return at == null ? Optional.empty() : Optional.of(Duration.between(at, Instant.now()));
  }

  private List<String> pools() {
    TreeSet<String> pools = new TreeSet<>(cfg.pools());
    stats.pools().stream().filter(p -> !p.equals("?")).forEach(pools::add);
    return new ArrayList<>(pools);
  }

  @Override
  public Overview overview(Optional<String> tenant) {
    List<Overview.Pool> rows = new ArrayList<>();
    List<Backlog> current = lastBacklog;
    Map<String, ControlCommand> pausedTargets = paused.paused();
    for (String pool : pools()) {
      List<Backlog> b =
          tenant.isPresent()
              ? List.of()
              : current.stream().filter(x -> x.pool().equals(pool)).toList();
      List<Overview.Priority> priorities = new ArrayList<>();
      for (JobPriority p : PRIORITIES) {
        String name = PriorityNames.of(p);
        Backlog waiting =
            b.stream().filter(x -> x.priority().equals(name)).findFirst().orElse(null);
        priorities.add(
            new Overview.Priority(name, waiting, stats.stats(pool, Optional.of(name), tenant)));
      }
      List<String> holding =
          pausedTargets.keySet().stream().filter(t -> holds(t, pool, tenant)).sorted().toList();
      rows.add(new Overview.Pool(pool, b, stats.stats(pool, tenant), priorities, holding));
    }
    List<Overview.Paused> pausedNow = new ArrayList<>();
    for (Map.Entry<String, ControlCommand> e : pausedTargets.entrySet()) {
      if (tenant.isEmpty() || affects(e.getKey(), tenant.get())) {
        ControlCommand c = e.getValue();
        pausedNow.add(
            new Overview.Paused(e.getKey(), c.getRequestedBy(), c.getTime(), c.getReason()));
      }
    }
    return new Overview(Instant.now(), tenant.orElse(null), rows, pausedNow);
  }

  /**
   * Whether a paused target holds jobs of {@code pool}: the pool's own pause, one of its job
   * types', and (in a tenant's view) the tenant's. A pause holds every priority alike.
   */
  private boolean holds(String target, String pool, Optional<String> tenant) {
    if (target.equals(ControlTargets.pool(pool))) {
      return true;
    }
    if (target.startsWith(ControlTargets.TYPE)) {
      JobTypeSpec spec = cfg.jobType(target.substring(ControlTargets.TYPE.length()));
      return spec != null && spec.pool().equals(pool);
    }
    return tenant.isPresent() && target.equals(ControlTargets.tenant(tenant.get()));
  }

  /** The pauses that hold a tenant's jobs: its own, and every type's and pool's. */
  public static boolean affects(String target, String tenant) {
    return target.equals(ControlTargets.tenant(tenant))
        || target.startsWith(ControlTargets.TYPE)
        || target.startsWith(ControlTargets.POOL);
  }

  /** The last backlog error, if the last read failed. */
  public Optional<String> backlogError() {
    return Optional.ofNullable(backlogError);
  }

  @Override
  public void close() throws InterruptedException {
    sampler.shutdownNow();
    sampler.awaitTermination(5, TimeUnit.SECONDS);
  }
}

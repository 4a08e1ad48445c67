package dev.runex.gateway.overview;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.follow.TopicFollower;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Live figures from the lifecycle events topic, per pool, priority and tenant: jobs in flight,
 * delayed and throttled (from each unfinished job's latest event), attempts started and jobs
 * finished per second, queue wait (start minus due time) and run time percentiles, the failure
 * rate, and a series of time slots for the charts. Reads the events of the last {@code
 * runex.gateway.overviewWindow} at start, then follows; an unfinished job whose latest event is
 * older than that at start is not counted.
 *
 * <p>A job's priority is its events' {@code priority} (null: normal, as for events written before
 * the field existed); an event without one keeps the priority an earlier event of the job named, so
 * a job is never split between rows. Figures are asked for per pool (every priority) or per pool
 * and priority.
 */
public final class LifecycleStats implements AutoCloseable {
  static final Duration SLOT = Duration.ofSeconds(5);
  private static final int MAX_TRACKED = 500_000;

  private record Key(String pool, String priority, String tenant) {}

  /** An unfinished job: its last transition and when it happened ({@code at}). */
  private record Tracked(
      String pool,
      String priority,
      String tenant,
      JobEventKind last,
      Instant startedAt,
      Instant at) {}

  /**
   * A job this gateway has read lifecycle records of and no final one: its tenant, and the time of
   * its latest transition.
   */
  public record Unfinished(String tenant, Instant at) {}

  private final RunexConfig cfg;
  private final int slots;
  private final Map<String, Tracked> unfinished = new LinkedHashMap<>();
  private final Map<Key, StatBucket[]> rings = new HashMap<>();
  private final Duration window;
  private TopicFollower follower;

  public LifecycleStats(RunexConfig cfg, Duration window) {
    this.cfg = cfg;
    this.slots = (int) Math.max(12, window.toMillis() / SLOT.toMillis());
    this.window = window;
  }

  /** Starts following the events topic from {@code window} ago. */
  public LifecycleStats follow(RunexTopics topics) {
    Deserializer<JobEvent> events = topics.events().valueSerde().deserializer();
    String topic = topics.events().name();
    this.follower =
        new TopicFollower(
            cfg,
            topic,
            new TopicFollower.Start.Since(window),
            "events",
            r -> accept(events.deserialize(topic, r.value())));
    follower.start();
    return this;
  }

  public TopicFollower follower() {
    return follower;
  }

  String poolOf(String type) {
    JobTypeSpec spec = type == null ? null : cfg.jobType(type);
    return spec == null ? "?" : spec.pool();
  }

  /** Counts every transition of a lifecycle record ({@link Lifecycle#transitions}), in order. */
  synchronized void accept(JobEvent record) {
    if (record == null) {
      return;
    }
    for (JobEvent e : Lifecycle.transitions(record)) {
      acceptOne(e);
    }
  }

  private void acceptOne(JobEvent e) {
    String id = e.getJobId();
    Tracked before = unfinished.get(id);
    String pool = before != null ? before.pool() : poolOf(e.getType());
    String tenant = e.getTenant() != null ? e.getTenant() : before == null ? null : before.tenant();
    String priority =
        e.getPriority() != null || before == null
            ? PriorityNames.of(e.getPriority())
            : before.priority();
    StatBucket b = bucket(new Key(pool, priority, tenant), e.getTime().toEpochMilli());
    JobEventKind kind = e.getKind();
    switch (kind) {
      case STARTED -> {
        if (b != null) {
          b.started++;
          if (e.getDueAt() != null) {
            b.recordWait(e.getTime().toEpochMilli() - e.getDueAt().toEpochMilli());
          }
        }
        track(id, new Tracked(pool, priority, tenant, kind, e.getTime(), e.getTime()));
      }
      case SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, EXPIRED, REJECTED -> {
        unfinished.remove(id);
        if (b != null && kind != JobEventKind.REJECTED) {
          b.finished++;
          if (kind == JobEventKind.SUCCEEDED) {
            b.succeeded++;
          } else if (kind == JobEventKind.FAILED || kind == JobEventKind.TIMED_OUT) {
            b.failed++;
          }
          recordRun(b, before, e);
        }
      }
      case RETRY_SCHEDULED -> {
        if (b != null) {
          recordRun(b, before, e);
        }
        track(id, new Tracked(pool, priority, tenant, kind, null, e.getTime()));
      }
      case DEAD_LETTERED -> {}
      default ->
          track(
              id,
              new Tracked(
                  pool,
                  priority,
                  tenant,
                  kind,
                  before == null ? null : before.startedAt(),
                  e.getTime()));
    }
  }

  private static void recordRun(StatBucket b, Tracked before, JobEvent e) {
    if (before != null && before.last() == JobEventKind.STARTED && before.startedAt() != null) {
      b.recordRun(e.getTime().toEpochMilli() - before.startedAt().toEpochMilli());
    }
  }

  private void track(String id, Tracked t) {
    unfinished.remove(id);
    unfinished.put(id, t);
    if (unfinished.size() > MAX_TRACKED) {
      Iterator<String> it = unfinished.keySet().iterator();
      it.next();
      it.remove();
    }
  }

  /** The slot for {@code millis} (null when it fell out of the window). */
  private StatBucket bucket(Key key, long millis) {
    long slot = millis / SLOT.toMillis();
    long newest = System.currentTimeMillis() / SLOT.toMillis();
    if (slot <= newest - slots) {
      return null;
    }
    StatBucket[] ring = rings.computeIfAbsent(key, k -> newRing());
    StatBucket b = ring[(int) Math.floorMod(slot, (long) slots)];
    if (b.slot != slot) {
      if (b.slot > slot) {
        return null; // an event far older than what the ring now holds
      }
      b.reset(slot);
    }
    return b;
  }

  private StatBucket[] newRing() {
    StatBucket[] ring = new StatBucket[slots];
    for (int i = 0; i < slots; i++) {
      ring[i] = new StatBucket();
    }
    return ring;
  }

  /**
   * Records the sampled backlog of {@code pool} at {@code priority}, and its in-flight count, in
   * the current slot (the pool's series add up its priorities').
   */
  synchronized void sample(String pool, String priority, long waiting) {
    long now = System.currentTimeMillis();
    StatBucket b = bucket(new Key(pool, priority, null), now);
    if (b != null) {
      b.waitingSample = waiting;
      b.inFlightSample = count(pool, Optional.of(priority), Optional.empty(), JobEventKind.STARTED);
    }
  }

  /**
   * The job {@code jobId} if this gateway has read a lifecycle record of it and none that ends it
   * (among the last {@value #MAX_TRACKED} such jobs): whichever gateway replica, or producer, wrote
   * it to intake.
   */
  public synchronized Optional<Unfinished> unfinished(String jobId) {
    Tracked t = unfinished.get(jobId);
    return t == null ? Optional.empty() : Optional.of(new Unfinished(t.tenant(), t.at()));
  }

  /** Every pool with events in the window or unfinished jobs. */
  public synchronized List<String> pools() {
    List<String> out = new ArrayList<>();
    rings.keySet().forEach(k -> add(out, k.pool()));
    unfinished.values().forEach(t -> add(out, t.pool()));
    return out;
  }

  private static void add(List<String> out, String pool) {
    if (!out.contains(pool)) {
      out.add(pool);
    }
  }

  /** The figures of {@code pool} (every priority), for {@code tenant} only when given. */
  public PoolStats stats(String pool, Optional<String> tenant) {
    return stats(pool, Optional.empty(), tenant);
  }

  /**
   * The figures of {@code pool} at {@code priority} (high, normal or low; every priority when
   * empty), for {@code tenant} only when given.
   */
  public synchronized PoolStats stats(
      String pool, Optional<String> priority, Optional<String> tenant) {
    long newest = System.currentTimeMillis() / SLOT.toMillis();
    long minuteSlots = Duration.ofMinutes(1).toMillis() / SLOT.toMillis();
    long started = 0;
    long finished = 0;
    long succeeded = 0;
    long failed = 0;
    Histogram wait = StatBucket.empty();
    Histogram run = StatBucket.empty();
    double[] startedSeries = new double[slots];
    double[] finishedSeries = new double[slots];
    long[] waitingSeries = new long[slots];
    long[] inFlightSeries = new long[slots];
    java.util.Arrays.fill(waitingSeries, -1);
    java.util.Arrays.fill(inFlightSeries, -1);
    double perSecond = 1000.0 / SLOT.toMillis();
    for (Map.Entry<Key, StatBucket[]> e : rings.entrySet()) {
      Key k = e.getKey();
      if (!k.pool().equals(pool)
          || (priority.isPresent() && !priority.get().equals(k.priority()))) {
        continue;
      }
      boolean tenantMatches = tenant.isEmpty() || tenant.get().equals(k.tenant());
      for (StatBucket b : e.getValue()) {
        if (b.slot < 0 || b.slot <= newest - slots || b.slot > newest) {
          continue;
        }
        int i = (int) (b.slot - (newest - slots + 1));
        if (tenant.isEmpty() && k.tenant() == null) {
          waitingSeries[i] = addSample(waitingSeries[i], b.waitingSample);
          inFlightSeries[i] = addSample(inFlightSeries[i], b.inFlightSample);
        }
        if (!tenantMatches) {
          continue;
        }
        startedSeries[i] += b.started * perSecond;
        finishedSeries[i] += b.finished * perSecond;
        if (b.slot > newest - minuteSlots) {
          started += b.started;
          finished += b.finished;
        }
        succeeded += b.succeeded;
        failed += b.failed;
        b.addWaitTo(wait);
        b.addRunTo(run);
      }
    }
    List<PoolStats.Point> series = new ArrayList<>();
    for (int i = 0; i < slots; i++) {
      long at = (newest - slots + 1 + i) * SLOT.toMillis();
      series.add(
          new PoolStats.Point(
              at, startedSeries[i], finishedSeries[i], waitingSeries[i], inFlightSeries[i]));
    }
    double minute = Duration.ofMinutes(1).toSeconds();
    return new PoolStats(
        count(pool, priority, tenant, JobEventKind.STARTED),
        count(pool, priority, tenant, JobEventKind.DELAYED)
            + count(pool, priority, tenant, JobEventKind.RETRY_SCHEDULED),
        count(pool, priority, tenant, JobEventKind.THROTTLED),
        started / minute,
        finished / minute,
        percentile(wait, 50),
        percentile(wait, 99),
        percentile(run, 50),
        percentile(run, 99),
        succeeded + failed == 0 ? null : (double) failed / (succeeded + failed),
        series);
  }

  /** Adds a sample to a slot's sum of samples (-1: nothing sampled yet). */
  private static long addSample(long sum, long sample) {
    return sample < 0 ? sum : Math.max(sum, 0) + sample;
  }

  private long count(
      String pool, Optional<String> priority, Optional<String> tenant, JobEventKind last) {
    return unfinished.values().stream()
        .filter(t -> t.pool().equals(pool) && t.last() == last)
        .filter(t -> priority.isEmpty() || priority.get().equals(t.priority()))
        .filter(t -> tenant.isEmpty() || tenant.get().equals(t.tenant()))
        .count();
  }

  private static Long percentile(Histogram h, double p) {
    return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p);
  }

  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
  }
}

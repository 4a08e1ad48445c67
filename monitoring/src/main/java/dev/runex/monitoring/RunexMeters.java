package dev.runex.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Every runex meter, in one place (names, kinds, tags, descriptions). The metrics list
 * (docs/metrics.md) is generated from this enum. Tags stay low-cardinality: never a job id.
 */
public enum RunexMeters {
  INTAKE_RECEIVED(
      "runex.intake.received", Kind.COUNTER, "Intake records read, by encoding.", "format"),
  INTAKE_REJECTED(
      "runex.intake.rejected", Kind.COUNTER, "Intake records rejected, by reason code.", "reason"),
  INTAKE_VALIDATED("runex.intake.validated", Kind.COUNTER, "Jobs that passed validation.", "type"),
  QUEUE_DELAYED(
      "runex.queue.delayed", Kind.COUNTER, "Jobs (and retries) put in the delay index.", "type"),
  QUEUE_DELAY_INDEX_SIZE(
      "runex.queue.delay.index.size", Kind.GAUGE, "Jobs waiting in this instance's delay index."),
  QUOTA_THROTTLED(
      "runex.quota.throttled",
      Kind.COUNTER,
      "Jobs (attempts) that had to wait in the quota gate for their tenant's quota.",
      "tenant",
      "type"),
  QUOTA_WAITING(
      "runex.quota.waiting", Kind.GAUGE, "Jobs waiting for quota in this instance's quota gate."),
  QUOTA_IN_FLIGHT(
      "runex.quota.in.flight",
      Kind.GAUGE,
      "Jobs of quota-limited tenants admitted and not finished, counted by this instance's quota gate."),
  SCHEDULED("runex.scheduled", Kind.COUNTER, "Jobs released to scheduled.<pool>.", "pool", "type"),
  SCHEDULE_FIRINGS(
      "runex.schedule.firings",
      Kind.COUNTER,
      "Recurring-schedule firings by outcome: fired, skipped (overlap or catch-up policy), buffered.",
      "outcome"),
  JOB_STARTED("runex.job.started", Kind.COUNTER, "Job attempts started.", "type"),
  JOB_QUEUE_WAIT(
      "runex.job.queue.wait", Kind.TIMER, "From an attempt's due time to its start.", "type"),
  JOB_START_DELAY(
      "runex.job.start.delay",
      Kind.TIMER,
      "From the worker's fetch of an attempt (or its due time, when it was fetched before it was due) to its start (part of runex.job.queue.wait): a free slot, its key's earlier jobs, memory, pauses, the control topic read up to the fetch.",
      "type"),
  JOB_EXECUTION(
      "runex.job.execution", Kind.TIMER, "Attempt execution time, by outcome.", "type", "outcome"),
  JOB_COMPLETED(
      "runex.job.completed",
      Kind.COUNTER,
      "Attempts finished, by outcome (succeeded, retry, failed, timed_out, cancelled).",
      "type",
      "outcome"),
  JOB_RETRIED("runex.job.retried", Kind.COUNTER, "Retries scheduled.", "type"),
  JOB_DEFERRED(
      "runex.job.deferred",
      Kind.COUNTER,
      "Attempts deferred without using an attempt (circuit breaker open).",
      "type"),
  JOB_CPU(
      "runex.job.cpu",
      Kind.TIMER,
      "CPU time of an attempt: all its processes (process), the handler thread (java).",
      "type",
      "outcome"),
  JOB_MEMORY_PEAK(
      "runex.job.memory.peak",
      Kind.SUMMARY,
      "Peak resident memory of an attempt's largest process, in bytes.",
      "type",
      "outcome"),
  JOB_LIMITED(
      "runex.job.limited",
      Kind.COUNTER,
      "Attempts stopped or cut by a limit (TIMED_OUT, MEMORY_LIMIT, CPU_LIMIT, PIDS_LIMIT, FILE_SIZE_LIMIT, OUTPUT_LIMIT).",
      "type",
      "limit"),
  JOB_DEAD_LETTERED(
      "runex.job.dead.lettered", Kind.COUNTER, "Dead letters written, by stage.", "stage"),
  JOB_EXPIRED(
      "runex.job.expired",
      Kind.COUNTER,
      "Jobs that ended EXPIRED (not started by their deadline), by the stage that noticed (queueing, execution).",
      "type",
      "stage"),
  WORKER_IN_FLIGHT("runex.worker.in.flight", Kind.GAUGE, "Jobs this worker is running now."),
  WORKER_BUFFERED(
      "runex.worker.buffered",
      Kind.GAUGE,
      "Records fetched and waiting for a slot, for their key, or (for a round trip) for the control topic to be read up to their fetch."),
  WORKER_PARKED(
      "runex.worker.parked",
      Kind.GAUGE,
      "Jobs fetched before their due time (the topology hands delayed jobs over runex.topology.releaseAhead early) that this worker holds until they are due."),
  WORKER_EARLY_ARRIVALS(
      "runex.worker.early.arrivals",
      Kind.COUNTER,
      "Jobs fetched more than runex.topology.releaseAhead plus a second before their due time, which this worker holds until due by its own clock (with its partition's commit point): a sign of this host's clock behind the topology's."),
  WORKER_MEMORY_RESERVED(
      "runex.worker.memory.reserved",
      Kind.GAUGE,
      "Memory declared (limits.memory) by the jobs running now; runex.worker.memoryBudget bounds it."),
  WORKER_COMMIT(
      "runex.worker.commit", Kind.TIMER, "Worker transaction commit time (offsets + outputs)."),
  WORKER_PRODUCER_LOST(
      "runex.worker.producer.lost",
      Kind.COUNTER,
      "Transactional producers the worker lost, by cause: fenced (a transaction outlived its timeout, or another instance registered the transactional id) or other (a timed-out call, an epoch bumped under a record, an expired producer id). Each is replaced and the worker resumes from its committed offsets, except the third fencing within 10 min, which stops it.",
      "cause"),
  BACKLOG_WAITING(
      "runex.backlog.waiting",
      Kind.GAUGE,
      "Jobs due and not yet done on the pool's scheduled topic for the priority: records after the pool's worker group's committed offset (sampled).",
      "pool",
      "priority"),
  BACKLOG_OLDEST_AGE(
      "runex.backlog.oldest.age",
      Kind.TIME_GAUGE,
      "Age of the oldest waiting job: now minus the due time of the job at the worker group's committed offset (0 when none waits).",
      "pool",
      "priority"),
  BACKLOG_DELAYED(
      "runex.backlog.delayed",
      Kind.GAUGE,
      "Jobs (and retries) waiting in this topology instance's delay index for their due time.",
      "pool",
      "priority"),
  BACKLOG_NEXT_DUE(
      "runex.backlog.next.due",
      Kind.TIME_GAUGE,
      "Time until the next job in this topology instance's delay index falls due (NaN when none waits).",
      "pool",
      "priority"),
  BACKLOG_DRAIN_TIME(
      "runex.backlog.drain.time",
      Kind.TIME_GAUGE,
      "Estimated time to drain the waiting jobs at the worker group's recent completion rate (+Inf when it completes nothing, NaN until two samples).",
      "pool",
      "priority"),
  GATEWAY_REQUESTS(
      "runex.gateway.requests",
      Kind.TIMER,
      "Gateway HTTP requests, by route (its pattern, not the path) and status.",
      "route",
      "status"),
  GATEWAY_SUBMITTED(
      "runex.gateway.submitted",
      Kind.COUNTER,
      "Jobs submitted through the gateway, by outcome (accepted, or the reason code of a refusal).",
      "outcome"),
  GATEWAY_REPLAYED(
      "runex.gateway.replayed", Kind.COUNTER, "Dead letters replayed through the gateway.");

  /** Meter kinds. */
  public enum Kind {
    COUNTER,
    TIMER,
    GAUGE,
    /** A gauge of a duration, published in seconds ({@code <name>_seconds} in Prometheus). */
    TIME_GAUGE,
    SUMMARY
  }

  private final String meterName;
  private final Kind kind;
  private final String description;
  private final List<String> tagKeys;

  RunexMeters(String meterName, Kind kind, String description, String... tagKeys) {
    this.meterName = meterName;
    this.kind = kind;
    this.description = description;
    this.tagKeys = List.of(tagKeys);
  }

  public String meterName() {
    return meterName;
  }

  public Kind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  public List<String> tagKeys() {
    return tagKeys;
  }

  /**
   * The names Prometheus scrapes for this meter (Micrometer's Prometheus naming: dots become
   * underscores, counters end in {@code _total}, durations in {@code _seconds}, timers and
   * summaries add {@code _count}, {@code _sum} and {@code _max}, timers also their histogram's
   * {@code _bucket}). Alert rules and dashboards query these.
   */
  public List<String> prometheusNames() {
    String base = meterName.replace('.', '_');
    String unit = baseUnit();
    String withUnit = unit == null ? base : base + "_" + unit;
    return switch (kind) {
      case COUNTER -> List.of(base + "_total");
      case GAUGE -> List.of(base);
      case TIME_GAUGE -> List.of(base + "_seconds");
      // timers publish a histogram (buckets with an le label); summaries do not
      case TIMER ->
          List.of(withUnit + "_bucket", withUnit + "_count", withUnit + "_sum", withUnit + "_max");
      case SUMMARY -> List.of(withUnit + "_count", withUnit + "_sum", withUnit + "_max");
    };
  }

  /** The unit Micrometer appends to the Prometheus name, or null. */
  private String baseUnit() {
    return switch (kind) {
      case TIMER, TIME_GAUGE -> "seconds";
      case SUMMARY -> this == JOB_MEMORY_PEAK ? "bytes" : null;
      default -> null;
    };
  }

  /**
   * The upper bounds of every timer's histogram buckets (Prometheus' {@code le}), from 1 ms to 1 h:
   * a job waits and runs from milliseconds to the hour a timeout may allow.
   */
  private static final Duration[] TIMER_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15),
    Duration.ofHours(1)
  };

  /** A counter with these tag values, in the order of {@link #tagKeys()}. */
  public Counter counter(MeterRegistry registry, String... tagValues) {
    return Counter.builder(meterName)
        .description(description)
        .tags(tags(tagValues))
        .register(registry);
  }

  /**
   * A timer with these tag values, published as a histogram with the buckets of {@link
   * #TIMER_BUCKETS}: its percentiles are computed where it is queried ({@code histogram_quantile}),
   * over any number of replicas added together. Not percentiles computed in the process, which
   * cannot be combined across replicas and cost more per recording (each value went into a ring of
   * three histograms).
   */
  public Timer timer(MeterRegistry registry, String... tagValues) {
    return Timer.builder(meterName)
        .description(description)
        .tags(tags(tagValues))
        .serviceLevelObjectives(TIMER_BUCKETS)
        .register(registry);
  }

  /**
   * A gauge of {@code f(obj)} with these tag values (strongly referenced: it lives as long as the
   * registry).
   */
  public <T> Gauge gauge(
      MeterRegistry registry, T obj, ToDoubleFunction<T> f, String... tagValues) {
    return Gauge.builder(meterName, obj, f)
        .description(description)
        .tags(tags(tagValues))
        .strongReference(true)
        .register(registry);
  }

  /** A gauge of a duration {@code f(obj)} in seconds, published in seconds. */
  public <T> TimeGauge timeGaugeSeconds(
      MeterRegistry registry, T obj, ToDoubleFunction<T> f, String... tagValues) {
    return TimeGauge.builder(meterName, obj, TimeUnit.SECONDS, f)
        .description(description)
        .tags(tags(tagValues))
        .strongReference(true)
        .register(registry);
  }

  public DistributionSummary summary(MeterRegistry registry, String... tagValues) {
    return DistributionSummary.builder(meterName)
        .description(description)
        .baseUnit(baseUnit())
        .tags(tags(tagValues))
        .register(registry);
  }

  private String[] tags(String... values) {
    if (values.length != tagKeys.size()) {
      throw new IllegalArgumentException(
          meterName + " takes tags " + tagKeys + ", got " + values.length + " values");
    }
    String[] kv = new String[values.length * 2];
    for (int i = 0; i < values.length; i++) {
      kv[2 * i] = tagKeys.get(i);
      kv[2 * i + 1] = values[i] == null ? "none" : values[i];
    }
    return kv;
  }
}

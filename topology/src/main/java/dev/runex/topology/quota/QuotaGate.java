package dev.runex.topology.quota;

import dev.runex.config.QuotaLimit;
import dev.runex.config.Quotas;
import dev.runex.config.RunexConfig;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.topology.control.CancelledJobs;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.dispatch.DispatchNames;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quota gate: admits the due jobs of quota-limited tenants to their pools only while the
 * tenant's (and the tenant × job type's) quotas allow; the rest wait here, in order, and are never
 * dropped or failed for it.
 *
 * <ul>
 *   <li>input {@code admission} (key tenant, {@code Job}): a due job. Admitted at once when nothing
 *       of its tenant and type is waiting and its quotas allow; otherwise stored in {@link
 *       #WAITING} with a THROTTLED event;
 *   <li>input {@code admission-releases} (key tenant, {@link ReleaseNotice}, written by the worker
 *       in the transaction of the attempt's result or retry): an admitted attempt finished; its
 *       slot is freed and waiting work of that tenant is admitted;
 *   <li>a wall-clock punctuator refills token buckets, admits what the quotas now allow and takes
 *       cancelled jobs out of the queue (CANCELLED result and event);
 *   <li>admitted → {@link DispatchNames#dispatch()} of {@link QuotaSubtopology#DISPATCH} ({@code
 *       scheduled.<pool>}), labelled {@link ReleaseNotice#ADMITTED_LABEL}. A job that can no longer
 *       start before its deadline goes to {@link DispatchNames#expiry()} instead, without using a
 *       slot or a token, and ends EXPIRED there.
 * </ul>
 *
 * <p>Quotas: {@code maxInFlight} counts jobs admitted and without a final result (queued in their
 * pool topic or running; a job waiting to retry gives its slot back and queues here again when
 * due). The token bucket admits {@code rate} attempts per second with bursts up to {@code burst}.
 * Within a tenant the gate admits, among the job types whose own quota has room, the waiting job of
 * highest priority, oldest first; tenants never wait for each other.
 *
 * <p>State, all in changelogged stores and committed with the input offsets and outputs
 * (exactly_once_v2): {@link #WAITING} (key {@code tenant␀type␀rank␀offset}), {@link #IN_FLIGHT}
 * (key job id, value {@code tenant␀type␀token}) and {@link #BUCKETS}. The in-flight and waiting
 * counts are derived from the stores when the task starts, so they survive restarts and rebalances
 * with the stores.
 */
public final class QuotaGate implements Processor<String, Object, String, Object> {
  public static final String WAITING = "quota-waiting";
  public static final String IN_FLIGHT = "quota-in-flight";
  public static final String BUCKETS = "quota-buckets";

  /** Keeps one punctuation (one transaction) bounded when a large quota opens at once. */
  static final int MAX_ADMIT_PER_RUN = 5_000;

  private static final Logger log = LoggerFactory.getLogger(QuotaGate.class);
  private static final char SEP = '\u0000';
  private static final int RANKS = 3;

  /** Above every 20-digit sequence number: the inclusive end of one rank's key range. */
  private static final String SEQ_END = "~";

  private final RunexConfig cfg;
  private final Quotas quotas;
  private final Duration punctuateInterval;
  private final StageCounters counters;
  private final TaskSizeGauge waitingGauge;
  private final TaskSizeGauge inFlightGauge;
  private final String instanceId;
  private final DispatchNames out;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Job> waiting;
  private KeyValueStore<String, String> inFlight;
  private KeyValueStore<String, String> buckets;
  private CancelledJobs cancels;

  /**
   * In-flight counts by {@code tenant} and {@code tenant␀type}, derived from {@link #IN_FLIGHT}.
   */
  private final Map<String, Integer> inFlightCounts = new HashMap<>();

  /** Waiting jobs by tenant, type and rank, derived from {@link #WAITING}. */
  private final WaitingCounts waitingCounts = new WaitingCounts(RANKS);

  /**
   * Per queue ({@code tenant␀type␀rank␀}): the key of the job last taken from its front. Everything
   * below it is gone, so the next look starts there. In memory only: after a restart the first look
   * starts at the queue's front again.
   */
  private final Map<String, String> cursors = new HashMap<>();

  public QuotaGate(
      RunexConfig cfg,
      Duration punctuateInterval,
      StageCounters counters,
      TaskSizeGauge waitingGauge,
      TaskSizeGauge inFlightGauge,
      String instanceId,
      DispatchNames out) {
    this.cfg = cfg;
    this.quotas = cfg.quotas();
    this.punctuateInterval = punctuateInterval;
    this.counters = counters;
    this.waitingGauge = waitingGauge;
    this.inFlightGauge = inFlightGauge;
    this.instanceId = instanceId;
    this.out = out;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.waiting = context.getStateStore(WAITING);
    this.inFlight = context.getStateStore(IN_FLIGHT);
    this.buckets = context.getStateStore(BUCKETS);
    KeyValueStore<String, ControlCommand> commands = context.getStateStore(ControlStore.NAME);
    this.cancels = new CancelledJobs(commands);
    long admitted = 0;
    try (KeyValueIterator<String, String> it = inFlight.all()) {
      while (it.hasNext()) {
        String[] slot = split(it.next().value, 3);
        count(slot[0], slot[1], 1);
        admitted++;
      }
    }
    long queued = 0;
    try (KeyValueIterator<String, Job> it = waiting.all()) {
      while (it.hasNext()) {
        String[] key = split(it.next().key, 4);
        waitingCounts.add(key[0], key[1], Integer.parseInt(key[2]));
        queued++;
      }
    }
    waitingGauge.start(context.taskId(), queued);
    inFlightGauge.start(context.taskId(), admitted);
    if (queued + admitted > 0) {
      log.info(
          "Quota gate of task {}: {} jobs in flight, {} waiting",
          context.taskId(),
          admitted,
          queued);
    }
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, Object> record) {
    long now = context.currentSystemTimeMs();
    if (record.value() instanceof Job job) {
      arrive(job, now);
    } else if (record.value() instanceof String text) {
      ReleaseNotice notice = ReleaseNotice.decode(text);
      if (notice == null) {
        log.warn("Ignoring an unreadable quota release notice for tenant {}", record.key());
      } else if (free(notice)) {
        admitWaiting(record.key(), now);
      }
    }
  }

  private void arrive(Job job, long now) {
    ControlCommand cancel = cancels.cancelOf(job.getId());
    if (cancel != null) {
      forwardCancelled(job, cancel, now);
      return;
    }
    // This attempt's retry got here before the notice that its previous attempt finished: the
    // previous attempt is over (it wrote this retry), so its slot is free now.
    boolean freed = inFlight.get(job.getId()) != null && free(ReleaseNotice.finished(job.getId()));
    String tenant = job.getTenant();
    String type = job.getType();
    String blocked =
        waitingCounts.of(tenant, type) > 0
            ? "behind earlier waiting jobs"
            : blockedBy(tenant, type, now);
    if (blocked == null) {
      admit(job, now);
    } else {
      enqueue(job, blocked, now);
    }
    if (freed) {
      admitWaiting(tenant, now);
    }
  }

  private void enqueue(Job job, String blocked, long now) {
    String tenant = job.getTenant();
    String type = job.getType();
    long seq = context.recordMetadata().map(RecordMetadata::offset).orElse(now);
    int rank = rank(job.getPriority());
    waiting.put(waitingKey(tenant, type, rank, seq), job);
    waitingCounts.add(tenant, type, rank);
    waitingGauge.add(context.taskId(), 1);
    counters.increment(RunexMeters.QUOTA_THROTTLED, tenant, type);
    JobEvent event =
        Lifecycle.event(
            job,
            JobEventKind.THROTTLED,
            Lifecycle.QUEUEING,
            instanceId,
            "waiting for quota: " + blocked,
            now);
    context.forward(new Record<>(job.getId(), event, now), out.eventsSink());
  }

  /** Frees the slot a notice names; false when it holds none (already freed, or never gated). */
  private boolean free(ReleaseNotice notice) {
    String held = inFlight.get(notice.jobId());
    if (held == null) {
      return false;
    }
    String[] slot = split(held, 3);
    // The retry this notice announces was admitted already (it overtook the notice): that slot is
    // its.
    if (!notice.isFinal() && notice.retryToken().equals(slot[2])) {
      return false;
    }
    inFlight.delete(notice.jobId());
    count(slot[0], slot[1], -1);
    inFlightGauge.add(context.taskId(), -1);
    return true;
  }

  /** Why a job of {@code tenant} and {@code type} may not be admitted now, or null when it may. */
  private String blockedBy(String tenant, String type, long now) {
    QuotaLimit t = quotas.tenant(tenant);
    QuotaLimit tt = quotas.tenantType(tenant, type);
    if (t.limitsInFlight() && inFlightCount(tenant) >= t.maxInFlight()) {
      return "tenant " + tenant + " has " + t.maxInFlight() + " jobs in flight (maxInFlight)";
    }
    if (tt.limitsInFlight() && inFlightCount(tenant + SEP + type) >= tt.maxInFlight()) {
      return "tenant "
          + tenant
          + " has "
          + tt.maxInFlight()
          + " "
          + type
          + " jobs in flight (maxInFlight)";
    }
    if (t.limitsRate() && bucket(tenant, t, now).available(t, now) < 1) {
      return "tenant " + tenant + " is over its rate of " + t.ratePerSecond() + "/s";
    }
    if (tt.limitsRate() && bucket(tenant + SEP + type, tt, now).available(tt, now) < 1) {
      return "tenant " + tenant + " is over its " + type + " rate of " + tt.ratePerSecond() + "/s";
    }
    return null;
  }

  /**
   * Hands a job on: counted in flight, charged a token and labelled {@link
   * ReleaseNotice#ADMITTED_LABEL} (so the worker that finishes an attempt hands the slot back,
   * whatever the quotas say by then) and sent to its pool. A job that can no longer start goes to
   * the expiry check instead, using neither slot nor token.
   */
  private void admit(Job job, long now) {
    if (ExpiryGate.expired(cfg, job, now)) {
      context.forward(new Record<>(job.getId(), job, now), out.expiry());
      return;
    }
    String tenant = job.getTenant();
    String type = job.getType();
    take(tenant, quotas.tenant(tenant), now);
    take(tenant + SEP + type, quotas.tenantType(tenant, type), now);
    inFlight.put(job.getId(), tenant + SEP + type + SEP + ReleaseNotice.token(job));
    count(tenant, type, 1);
    inFlightGauge.add(context.taskId(), 1);
    Map<String, String> labels = new HashMap<>(job.getLabels());
    labels.put(ReleaseNotice.ADMITTED_LABEL, ReleaseNotice.ADMITTED);
    job.setLabels(labels); // the gate's own decoded copy: no need to deep-copy the whole job
    context.forward(new Record<>(job.getId(), job, now), out.dispatch());
  }

  /**
   * Admits the tenant's waiting jobs while its quotas allow, oldest first among the job types whose
   * own quotas have room (one type at its limit does not hold up the others).
   */
  private int admitWaiting(String tenant, long now) {
    int admitted = 0;
    while (admitted < MAX_ADMIT_PER_RUN) {
      KeyValue<String, Job> next = null;
      for (String type : waitingCounts.types(tenant)) {
        if (blockedBy(tenant, type, now) != null) {
          continue;
        }
        KeyValue<String, Job> head = head(tenant, type);
        if (head != null
            && (next == null || rankAndSeq(head.key).compareTo(rankAndSeq(next.key)) < 0)) {
          next = head;
        }
      }
      if (next == null) {
        break;
      }
      removeHead(next.key);
      ControlCommand cancel = cancels.cancelOf(next.value.getId());
      if (cancel != null) {
        forwardCancelled(next.value, cancel, now);
      } else {
        admit(next.value, now);
        admitted++;
      }
    }
    return admitted;
  }

  private void punctuate(long now) {
    removeCancelled(now);
    int admitted = 0;
    for (String tenant : waitingCounts.tenants()) {
      admitted += admitWaiting(tenant, now);
    }
    if (admitted > 0) {
      log.debug("Quota gate of task {} admitted {} waiting jobs", context.taskId(), admitted);
    }
  }

  /**
   * Takes newly cancelled jobs out of the queue (one pass over it, only when there are new
   * cancels).
   */
  private void removeCancelled(long now) {
    for (KeyValue<String, Job> e : cancels.newlyCancelledIn(waiting)) {
      dequeue(e.key);
      forwardCancelled(e.value, cancels.cancelOf(e.value.getId()), now);
    }
  }

  /**
   * The first waiting job of a tenant and type: the lowest rank's oldest. Each rank's queue is read
   * from where its last admitted job was ({@link #cursors}), not from its start: a queue drained
   * from the front leaves deletion markers there that RocksDB would otherwise step over on every
   * look, which made a long queue quadratic (bench: a 200,000-job backlog stalled at ~500 jobs/s).
   */
  private KeyValue<String, Job> head(String tenant, String type) {
    for (int rank = 0; rank < RANKS; rank++) {
      String prefix = tenant + SEP + type + SEP + rank + SEP;
      // an empty rank is never looked into: a seek there would step over the next rank's markers
      if (!waitingCounts.has(tenant, type, rank)) {
        continue;
      }
      String from = cursors.getOrDefault(prefix, prefix);
      try (KeyValueIterator<String, Job> it = waiting.range(from, prefix + SEQ_END)) {
        if (it.hasNext()) {
          return it.next();
        }
      }
    }
    return null;
  }

  /**
   * Takes an admitted (or cancelled) head out of the queue; its rank's queue is read on from there.
   */
  private void removeHead(String key) {
    dequeue(key);
    cursors.put(key.substring(0, key.lastIndexOf(SEP) + 1), key);
  }

  /** Takes a waiting job out of the store, the counts and the gauge. */
  private void dequeue(String key) {
    waiting.delete(key);
    String[] k = split(key, 4);
    waitingCounts.remove(k[0], k[1], Integer.parseInt(k[2]));
    waitingGauge.add(context.taskId(), -1);
  }

  private void forwardCancelled(Job job, ControlCommand cancel, long now) {
    CancelledJobs.forward(
        context, job, cancel, instanceId, now, "quota gate", out.resultsSink(), out.eventsSink());
  }

  private TokenBucket bucket(String key, QuotaLimit limit, long now) {
    return TokenBucket.decode(buckets.get(key), limit, now);
  }

  private void take(String key, QuotaLimit limit, long now) {
    if (limit.limitsRate()) {
      TokenBucket b = bucket(key, limit, now);
      b.available(limit, now);
      b.take();
      buckets.put(key, b.encode());
    }
  }

  private int inFlightCount(String key) {
    return inFlightCounts.getOrDefault(key, 0);
  }

  private void count(String tenant, String type, int delta) {
    inFlightCounts.merge(tenant, delta, (a, b) -> a + b <= 0 ? null : a + b);
    inFlightCounts.merge(tenant + SEP + type, delta, (a, b) -> a + b <= 0 ? null : a + b);
  }

  /** Priority rank: 0 (high) first. */
  private static int rank(JobPriority priority) {
    return priority == JobPriority.HIGH ? 0 : priority == JobPriority.LOW ? 2 : 1;
  }

  /** {@code tenant␀type␀rank␀seq}: higher priorities first (rank 0), then arrival order. */
  static String waitingKey(String tenant, String type, int rank, long seq) {
    return tenant + SEP + type + SEP + rank + SEP + String.format("%020d", seq);
  }

  private static String rankAndSeq(String waitingKey) {
    String[] k = split(waitingKey, 4);
    return k[2] + SEP + k[3];
  }

  private static String[] split(String text, int parts) {
    String[] out = text.split(String.valueOf(SEP), parts);
    if (out.length != parts) {
      throw new IllegalStateException("malformed quota gate entry: " + text.replace(SEP, '|'));
    }
    return out;
  }

  @Override
  public void close() {
    waitingGauge.stop(context.taskId());
    inFlightGauge.stop(context.taskId());
  }
}

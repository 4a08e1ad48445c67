package dev.runex.topology.quota;

import dev.runex.config.RunexConfig;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quota gate: admits the due jobs of quota-limited tenants to their pools only while the
 * tenant's (and the tenant × job type's) quotas allow; the rest wait here, in order, and are never
 * dropped or failed for it. This class routes; the decision is {@link QuotaPolicy}'s, the waiting
 * jobs are {@link WaitingQueue}'s and the held slots {@link AdmittedSlots}'.
 *
 * <ul>
 *   <li>input {@code admission} (key tenant, {@code Job}): a due job. Admitted at once when nothing
 *       of its tenant and type is waiting and its quotas allow; otherwise queued in {@link
 *       #WAITING} with a THROTTLED event;
 *   <li>input: the quota releases of {@code feedback} (key tenant, a {@link ReleaseNotice} from the
 *       {@code FeedbackRouter}; written by the worker in the transaction of the attempt's result or
 *       retry): an admitted attempt finished; its slot is freed and waiting work of that tenant is
 *       admitted;
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
 * (exactly_once_v2): {@link #WAITING} (key {@link WaitingKey}), {@link #IN_FLIGHT} (key job id,
 * value {@link AdmittedSlots.Slot}) and {@link #BUCKETS}. The in-flight and waiting counts are
 * derived from the stores when the task starts, so they survive restarts and rebalances with the
 * stores.
 */
public final class QuotaGate implements Processor<String, Object, String, Object> {
  public static final String WAITING = "quota-waiting";
  public static final String IN_FLIGHT = "quota-in-flight";
  public static final String BUCKETS = "quota-buckets";

  /** Keeps one punctuation (one transaction) bounded when a large quota opens at once. */
  static final int MAX_ADMIT_PER_RUN = 5_000;

  private static final Logger log = LoggerFactory.getLogger(QuotaGate.class);

  private final RunexConfig cfg;
  private final Duration punctuateInterval;
  private final StageCounters counters;
  private final TaskSizeGauge waitingGauge;
  private final TaskSizeGauge inFlightGauge;
  private final String instanceId;
  private final DispatchNames out;
  private ProcessorContext<String, Object> context;
  private QuotaPolicy policy;
  private WaitingQueue waiting;
  private AdmittedSlots slots;
  private CancelledJobs cancels;

  public QuotaGate(
      RunexConfig cfg,
      Duration punctuateInterval,
      StageCounters counters,
      TaskSizeGauge waitingGauge,
      TaskSizeGauge inFlightGauge,
      String instanceId,
      DispatchNames out) {
    this.cfg = cfg;
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
    this.policy = new QuotaPolicy(cfg.quotas(), bucketsIn(context.getStateStore(BUCKETS)));
    this.slots =
        AdmittedSlots.open(
            context.getStateStore(IN_FLIGHT), inFlightGauge, context.taskId(), policy);
    this.waiting =
        WaitingQueue.open(context.getStateStore(WAITING), waitingGauge, context.taskId());
    KeyValueStore<String, ControlCommand> commands = context.getStateStore(ControlStore.NAME);
    this.cancels = new CancelledJobs(commands);
    if (waiting.size() + slots.size() > 0) {
      log.info(
          "Quota gate of task {}: {} jobs in flight, {} waiting",
          context.taskId(),
          slots.size(),
          waiting.size());
    }
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, Object> record) {
    long now = context.currentSystemTimeMs();
    if (record.value() instanceof Job job) {
      arrive(job, now);
    } else if (record.value() instanceof ReleaseNotice notice && free(notice)) {
      admitWaiting(record.key(), now);
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
    boolean freed = slots.holds(job.getId()) && free(ReleaseNotice.finished(job.getId()));
    String tenant = job.getTenant();
    String type = job.getType();
    String blocked =
        waiting.waiting(tenant, type) > 0
            ? "behind earlier waiting jobs"
            : policy.blockedBy(tenant, type, now);
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
    waiting.add(job, context.recordMetadata().map(RecordMetadata::offset).orElse(now));
    counters.increment(RunexMeters.QUOTA_THROTTLED, job.getTenant(), job.getType());
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
    AdmittedSlots.Slot slot = slots.free(notice);
    if (slot == null) {
      return false;
    }
    policy.release(slot.tenant(), slot.type());
    return true;
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
    policy.admit(job.getTenant(), job.getType(), now);
    slots.hold(job);
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
      KeyValue<WaitingKey, Job> next =
          waiting.next(tenant, type -> policy.blockedBy(tenant, type, now) == null);
      if (next == null) {
        break;
      }
      waiting.removeHead(next.key);
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
    // newly cancelled jobs leave the queue (one pass over it, only when there are new cancels)
    for (Job job : waiting.removeNewlyCancelled(cancels)) {
      forwardCancelled(job, cancels.cancelOf(job.getId()), now);
    }
    int admitted = 0;
    for (String tenant : waiting.tenants()) {
      admitted += admitWaiting(tenant, now);
    }
    if (admitted > 0) {
      log.debug("Quota gate of task {} admitted {} waiting jobs", context.taskId(), admitted);
    }
  }

  private static QuotaPolicy.BucketStates bucketsIn(KeyValueStore<String, String> store) {
    return new QuotaPolicy.BucketStates() {
      @Override
      public String get(String key) {
        return store.get(key);
      }

      @Override
      public void put(String key, String state) {
        store.put(key, state);
      }
    };
  }

  private void forwardCancelled(Job job, ControlCommand cancel, long now) {
    CancelledJobs.forward(
        context, job, cancel, instanceId, now, "quota gate", out.results(), out.eventsSink());
  }

  @Override
  public void close() {
    waiting.close();
    slots.close();
  }
}

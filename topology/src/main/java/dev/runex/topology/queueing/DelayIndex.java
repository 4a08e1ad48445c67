package dev.runex.topology.queueing;

import dev.runex.config.Quotas;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.topology.cleanup.CancelRetention;
import dev.runex.topology.control.CancelledJobs;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queueing stage: holds jobs until they are due.
 *
 * <ul>
 *   <li>input: {@code validated} and {@code retry} (key job id, {@code Job}); retries carry attempt
 *       &ge; 2 and a future {@code dueAt}, and take the same path. Intake sends only the jobs that
 *       need this task here (delayed, or gated by a quota, or deduplicated first): a due job
 *       without quota or key is dispatched by intake itself ({@link DirectDispatch});
 *   <li>due within its release lead of the wall clock ({@code runex.topology.releaseAhead}, 0 for a
 *       job gated by a quota), or unable to start before its deadline → straight on to {@link
 *       Outputs#due()} (the quota route, then {@link ExpiryGate}, which schedules or expires it);
 *   <li>due later → stored in the {@link #STORE} key-value store (persistent, changelogged, keyed
 *       by {@link DelayIndexKey}) with a DELAYED event (key job id) on {@link Outputs#events()};
 *   <li>a wall-clock punctuator releases the entries that came within their release lead of their
 *       due time, in due order, at most {@link #MAX_RELEASE_PER_PUNCTUATION} per run, to {@link
 *       Outputs#due()}, and deletes them;
 *   <li>cancelled jobs (a CANCEL for {@code job:<id>} in the global {@link ControlStore}) are never
 *       dispatched: on arrival, at release, and — for jobs already waiting — at the next
 *       punctuation after the cancel, they are removed and get a CANCELLED result on {@link
 *       Outputs#results()} and a CANCELLED event. A job already released is the worker's to cancel;
 *   <li>job cancels older than {@code runex.control.cancelRetention} are deleted from {@code
 *       control} (tombstones on {@link Outputs#control()}, by the task of partition 0: {@link
 *       CancelRetention}).
 * </ul>
 *
 * <p>Each task keeps {@link DelayedJobCounts} of what its store holds (per pool and priority: how
 * many, and the next due time) in {@link DelayedBacklogs}, for the backlog meters.
 *
 * <p>Guarantee: under exactly_once_v2 the store's changelog, the released records and the input
 * offsets commit together, so a job is released once, also across restarts and rebalances (the
 * store is restored from its changelog and the punctuator resumes). Release latency is bounded by
 * the punctuation interval plus the commit interval; a job released ahead of its due time is held
 * by the worker that fetches it and started at its due time, never before, so as long as that
 * latency (and the worker's fetch) stays within the lead, the job starts on time. Jobs gated by a
 * quota are released when due: early, they would hold a quota slot while they may not start.
 */
public final class DelayIndex implements Processor<String, Job, String, Object> {
  public static final String STORE = "delay-index";

  /** Keeps one punctuation (and so one transaction) bounded when a backlog falls due at once. */
  public static final int MAX_RELEASE_PER_PUNCTUATION = 5_000;

  private static final Logger log = LoggerFactory.getLogger(DelayIndex.class);

  /**
   * The nodes the delay index forwards to, named by its sub-topology.
   *
   * @param due due jobs: on to the quota route and the expiry check before the pool dispatcher
   * @param events DELAYED and CANCELLED events ({@code events})
   * @param results CANCELLED results ({@code results})
   * @param control tombstones for cancels older than {@code runex.control.cancelRetention} ({@code
   *     control})
   */
  public record Outputs(String due, String events, String results, String control) {}

  private final Duration punctuateInterval;
  private final RunexConfig cfg;
  private final Quotas quotas;
  private final long leadMs;
  private final StageCounters counters;
  private final TaskSizeGauge size;
  private final DelayedBacklogs backlogs;
  private final String instanceId;
  private final Outputs out;
  private DelayedJobCounts counts;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Job> store;
  private CancelledJobs cancels;
  private CancelRetention cancelRetention;

  public DelayIndex(
      RunexConfig cfg,
      Duration punctuateInterval,
      StageCounters counters,
      TaskSizeGauge size,
      DelayedBacklogs backlogs,
      String instanceId,
      Outputs out) {
    this.cfg = cfg;
    this.quotas = cfg.quotas();
    this.leadMs = cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD).toMillis();
    this.punctuateInterval = punctuateInterval;
    this.counters = counters;
    this.size = size;
    this.backlogs = backlogs;
    this.instanceId = instanceId;
    this.out = out;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    KeyValueStore<String, ControlCommand> commands = context.getStateStore(ControlStore.NAME);
    this.cancels = new CancelledJobs(commands);
    this.cancelRetention =
        new CancelRetention(cfg.duration(Settings.CONTROL_CANCEL_RETENTION), cancels);
    this.counts = countWaiting();
    size.start(context.taskId(), counts.total());
    context.schedule(
        punctuateInterval,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          removeCancelled(now);
          releaseDue(now);
          for (String key : cancelRetention.due(context.taskId().partition(), now)) {
            context.forward(new Record<>(key, null, now), out.control());
          }
        });
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    if (job == null) {
      log.debug("Ignoring a tombstone on the queueing input (key {})", record.key());
      return;
    }
    long now = context.currentSystemTimeMs();
    ControlCommand cancel = cancels.cancelOf(job.getId());
    if (cancel != null) {
      forwardCancelled(job, cancel, now);
      return;
    }
    if (leavesAtOnce(cfg, job, now, releaseAheadMs(job))) {
      context.forward(new Record<>(job.getId(), job, record.timestamp()), out.due());
      return;
    }
    // putIfAbsent: a redelivered attempt (same id, attempt and due time) is already waiting.
    if (store.putIfAbsent(DelayIndexKey.of(job), job) == null) {
      size.add(context.taskId(), 1);
      counts.add(job);
      counters.increment(RunexMeters.QUEUE_DELAYED, job.getType());
      JobEvent event =
          Lifecycle.event(
              job,
              JobEventKind.DELAYED,
              Lifecycle.QUEUEING,
              instanceId,
              "due " + job.getDueAt(),
              now);
      context.forward(new Record<>(job.getId(), event, record.timestamp()), out.events());
    }
  }

  /**
   * True when {@code job} does not wait in the index at {@code now}: it is due within {@code
   * aheadMs} (its release lead: the worker holds it until it is due), or it cannot start before its
   * deadline (then it is expired now, not after waiting for nothing). Intake asks the same question
   * to send such a job straight to its pool ({@link DirectDispatch}).
   */
  public static boolean leavesAtOnce(RunexConfig cfg, Job job, long now, long aheadMs) {
    return job.getDueAt().toEpochMilli() <= now + aheadMs || ExpiryGate.expired(cfg, job, now);
  }

  /**
   * How long before its due time {@code job} leaves the index: {@code runex.topology.releaseAhead},
   * or 0 when a quota gates it (the quota gate would give it a slot it may not use yet).
   */
  private long releaseAheadMs(Job job) {
    return quotas.gated(job.getTenant(), job.getType()) ? 0 : leadMs;
  }

  /**
   * Counts what the store holds when the task starts (restored from the changelog, or left by a
   * previous owner): one pass at start, then the counts follow every put and delete.
   */
  private DelayedJobCounts countWaiting() {
    DelayedJobCounts fresh = backlogs.start(context.taskId());
    try (KeyValueIterator<String, Job> it = store.all()) {
      while (it.hasNext()) {
        fresh.add(it.next().value);
      }
    }
    return fresh;
  }

  /**
   * Releases what came within its release lead of its due time, earliest due first; what exceeds
   * the batch waits for the next punctuation.
   */
  private void releaseDue(long now) {
    List<KeyValue<String, Job>> due = new ArrayList<>();
    // Collect first, then delete: never mutate the store under an open iterator.
    try (KeyValueIterator<String, Job> it = store.range(null, DelayIndexKey.dueBy(now + leadMs))) {
      while (it.hasNext() && due.size() < MAX_RELEASE_PER_PUNCTUATION) {
        KeyValue<String, Job> entry = it.next();
        if (entry.value.getDueAt().toEpochMilli() <= now + releaseAheadMs(entry.value)) {
          due.add(entry);
        }
      }
    }
    for (KeyValue<String, Job> entry : due) {
      ControlCommand cancel = cancels.cancelOf(entry.value.getId());
      if (cancel == null) {
        context.forward(new Record<>(entry.value.getId(), entry.value, now), out.due());
      } else {
        forwardCancelled(entry.value, cancel, now);
      }
      store.delete(entry.key);
      counts.remove(entry.value);
    }
    if (!due.isEmpty()) {
      size.add(context.taskId(), -due.size());
      log.debug(
          "Released {} due jobs from the delay index of task {}", due.size(), context.taskId());
    }
  }

  /**
   * Takes the jobs cancelled since the last look out of the index. Scans the whole index, but only
   * when there are new cancels (operator actions, rare).
   */
  private void removeCancelled(long now) {
    List<KeyValue<String, Job>> hit = cancels.newlyCancelledIn(store);
    for (KeyValue<String, Job> e : hit) {
      store.delete(e.key);
      counts.remove(e.value);
      forwardCancelled(e.value, cancels.cancelOf(e.value.getId()), now);
    }
    size.add(context.taskId(), -hit.size());
  }

  private void forwardCancelled(Job job, ControlCommand cancel, long now) {
    CancelledJobs.forward(
        context, job, cancel, instanceId, now, "queueing stage", out.results(), out.events());
  }

  @Override
  public void close() {
    size.stop(context.taskId());
    backlogs.stop(context.taskId(), counts);
  }
}

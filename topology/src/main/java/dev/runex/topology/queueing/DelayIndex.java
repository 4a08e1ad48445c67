package dev.runex.topology.queueing;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.topology.control.CancelledJobs;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import dev.runex.topology.queueing.expiry.ExpiryGate;
import dev.runex.topology.quota.QuotaRoute;
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
 *       &ge; 2 and a future {@code dueAt}, and take the same path;
 *   <li>due now ({@code dueAt} &le; wall clock), or unable to start before its deadline → straight
 *       to {@link ExpiryGate}, which schedules it ({@link PoolDispatcher}) or expires it;
 *   <li>due later → stored in the {@link #STORE} key-value store (persistent, changelogged, keyed
 *       by {@link DelayIndexKey}) with a DELAYED event (key job id) on {@link #TO_EVENTS};
 *   <li>a wall-clock punctuator releases due entries in due order, at most {@link
 *       #MAX_RELEASE_PER_PUNCTUATION} per run, to {@link ExpiryGate}, and deletes them;
 *   <li>cancelled jobs (a CANCEL for {@code job:<id>} in the global {@link ControlStore}) are never
 *       dispatched: on arrival, at release, and — for jobs already waiting — at the next
 *       punctuation after the cancel, they are removed and get a CANCELLED result on {@link
 *       #TO_RESULTS} and a CANCELLED event. A job already released is the worker's to cancel;
 *   <li>job cancels older than {@code runex.control.cancelRetention} are deleted from {@code
 *       control} (tombstones on {@link #TO_CONTROL}, by the task of partition 0).
 * </ul>
 *
 * <p>Each task keeps {@link DelayedJobCounts} of what its store holds (per pool and priority: how
 * many, and the next due time) in {@link DelayedBacklogs}, for the backlog meters.
 *
 * <p>Guarantee: under exactly_once_v2 the store's changelog, the released records and the input
 * offsets commit together, so a job is released once, also across restarts and rebalances (the
 * store is restored from its changelog and the punctuator resumes). Release latency is bounded by
 * the punctuation interval plus the commit interval.
 */
public final class DelayIndex implements Processor<String, Job, String, Object> {
  public static final String STORE = "delay-index";

  /**
   * Due jobs go to the quota gate or through the deadline check on their way to the pool
   * dispatcher.
   */
  public static final String TO_DISPATCH = QuotaRoute.NAME;

  public static final String TO_EVENTS = PoolDispatcher.TO_EVENTS;
  public static final String TO_RESULTS = ExpiryGate.TO_RESULTS;

  /** Tombstones for cancels older than {@code runex.control.cancelRetention} ({@code control}). */
  public static final String TO_CONTROL = "queueing-control-sink";

  /** Keeps one punctuation (and so one transaction) bounded when a backlog falls due at once. */
  public static final int MAX_RELEASE_PER_PUNCTUATION = 5_000;

  /** How often the task of partition 0 looks for cancels past their retention. */
  static final Duration CANCEL_SWEEP_INTERVAL = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger(DelayIndex.class);

  private final Duration punctuateInterval;
  private final RunexConfig cfg;
  private final StageCounters counters;
  private final TaskSizeGauge size;
  private final DelayedBacklogs backlogs;
  private final String instanceId;
  private DelayedJobCounts counts;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Job> store;
  private CancelledJobs cancels;
  private long nextCancelSweep;

  public DelayIndex(
      RunexConfig cfg,
      Duration punctuateInterval,
      StageCounters counters,
      TaskSizeGauge size,
      DelayedBacklogs backlogs,
      String instanceId) {
    this.cfg = cfg;
    this.punctuateInterval = punctuateInterval;
    this.counters = counters;
    this.size = size;
    this.backlogs = backlogs;
    this.instanceId = instanceId;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    KeyValueStore<String, ControlCommand> commands = context.getStateStore(ControlStore.NAME);
    this.cancels = new CancelledJobs(commands);
    this.counts = countWaiting();
    size.start(context.taskId(), counts.total());
    context.schedule(
        punctuateInterval,
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          removeCancelled(now);
          releaseDue(now);
          sweepOldCancels(now);
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
    // A job that cannot start before its deadline is expired now, not after waiting for nothing.
    if (job.getDueAt().toEpochMilli() <= now || ExpiryGate.expired(cfg, job, now)) {
      context.forward(new Record<>(job.getId(), job, record.timestamp()), TO_DISPATCH);
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
      context.forward(new Record<>(job.getId(), event, record.timestamp()), TO_EVENTS);
    }
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

  /** Releases what is due, oldest first; what exceeds the batch waits for the next punctuation. */
  private void releaseDue(long now) {
    List<KeyValue<String, Job>> due = new ArrayList<>();
    // Collect first, then delete: never mutate the store under an open iterator.
    try (KeyValueIterator<String, Job> it = store.range(null, DelayIndexKey.dueBy(now))) {
      while (it.hasNext() && due.size() < MAX_RELEASE_PER_PUNCTUATION) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, Job> entry : due) {
      ControlCommand cancel = cancels.cancelOf(entry.value.getId());
      if (cancel == null) {
        context.forward(new Record<>(entry.value.getId(), entry.value, now), TO_DISPATCH);
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

  /**
   * Deletes (tombstones on {@code control}) job cancels older than the retention, so the compacted
   * topic and every instance's copy of it stay bounded. Every instance sees the whole control
   * table; the task of partition 0 alone sweeps it, hourly. Deleting a cancel twice is harmless.
   */
  private void sweepOldCancels(long now) {
    if (context.taskId().partition() != 0 || now < nextCancelSweep) {
      return;
    }
    nextCancelSweep = now + CANCEL_SWEEP_INTERVAL.toMillis();
    long cutoff = now - cfg.duration(Settings.CONTROL_CANCEL_RETENTION).toMillis();
    List<String> old = cancels.requestedBefore(cutoff, MAX_RELEASE_PER_PUNCTUATION);
    for (String key : old) {
      context.forward(new Record<>(key, null, now), TO_CONTROL);
    }
    if (!old.isEmpty()) {
      log.info(
          "Deleted {} job cancels older than {}",
          old.size(),
          cfg.duration(Settings.CONTROL_CANCEL_RETENTION));
      // more than one batch: come back at the next punctuation
      nextCancelSweep = old.size() == MAX_RELEASE_PER_PUNCTUATION ? now : nextCancelSweep;
    }
  }

  private void forwardCancelled(Job job, ControlCommand cancel, long now) {
    CancelledJobs.forward(
        context, job, cancel, instanceId, now, "queueing stage", TO_RESULTS, TO_EVENTS);
  }

  @Override
  public void close() {
    size.stop(context.taskId());
    backlogs.stop(context.taskId(), counts);
  }
}

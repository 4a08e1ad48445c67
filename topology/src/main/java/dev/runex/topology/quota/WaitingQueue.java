package dev.runex.topology.quota;

import dev.runex.schemas.Job;
import dev.runex.topology.control.CancelledJobs;
import dev.runex.topology.monitoring.TaskSizeGauge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The jobs waiting in one quota gate task, in its changelogged store ({@code quota-waiting}, keyed
 * by {@link WaitingKey}): per tenant, job type and priority rank a queue in arrival order. Keeps
 * {@link WaitingCounts} (rebuilt from the store when the task starts) and the task's share of the
 * {@code runex.quota.waiting} gauge in step with the store. Stream-thread only.
 */
final class WaitingQueue {
  private final KeyValueStore<String, Job> store;
  private final TaskSizeGauge gauge;
  private final TaskId task;
  private final WaitingCounts counts = new WaitingCounts(WaitingKey.RANKS);
  private long size;

  /**
   * Per queue: the encoded key of the job last taken from its front. Everything below it is gone,
   * so the next look starts there. In memory only: after a restart the first look starts at the
   * queue's front again.
   */
  private final Map<WaitingKey.Queue, String> cursors = new HashMap<>();

  private WaitingQueue(KeyValueStore<String, Job> store, TaskSizeGauge gauge, TaskId task) {
    this.store = store;
    this.gauge = gauge;
    this.task = task;
  }

  /** The queue of {@code task} in {@code store}; counts what waits there and starts the gauge. */
  static WaitingQueue open(KeyValueStore<String, Job> store, TaskSizeGauge gauge, TaskId task) {
    WaitingQueue queue = new WaitingQueue(store, gauge, task);
    try (KeyValueIterator<String, Job> it = store.all()) {
      while (it.hasNext()) {
        WaitingKey key = WaitingKey.decode(it.next().key);
        queue.counts.add(key.tenant(), key.type(), key.rank());
        queue.size++;
      }
    }
    gauge.start(task, queue.size);
    return queue;
  }

  /** Jobs waiting in this task, all tenants. */
  long size() {
    return size;
  }

  /** Jobs of {@code tenant} and {@code type} waiting, all ranks. */
  int waiting(String tenant, String type) {
    return counts.of(tenant, type);
  }

  /** Tenants with waiting jobs, a copy. */
  List<String> tenants() {
    return counts.tenants();
  }

  /** Puts {@code job} at the end of its queue; {@code seq} orders it there (its input offset). */
  void add(Job job, long seq) {
    WaitingKey key =
        new WaitingKey(job.getTenant(), job.getType(), WaitingKey.rank(job.getPriority()), seq);
    store.put(key.encode(), job);
    counts.add(key.tenant(), key.type(), key.rank());
    size++;
    gauge.add(task, 1);
  }

  /**
   * The job to admit next of {@code tenant}, among the job types {@code mayStart} lets through: the
   * one of highest priority, oldest first; null when none waits. It stays in the queue until {@link
   * #removeHead}.
   */
  KeyValue<WaitingKey, Job> next(String tenant, Predicate<String> mayStart) {
    KeyValue<WaitingKey, Job> next = null;
    for (String type : counts.types(tenant)) {
      if (!mayStart.test(type)) {
        continue;
      }
      KeyValue<WaitingKey, Job> head = head(tenant, type);
      if (head != null && (next == null || WaitingKey.ORDER.compare(head.key, next.key) < 0)) {
        next = head;
      }
    }
    return next;
  }

  /**
   * The first waiting job of a tenant and type: the lowest rank's oldest. Each rank's queue is read
   * from where its last admitted job was ({@link #cursors}), not from its start: a queue drained
   * from the front leaves deletion markers there that RocksDB would otherwise step over on every
   * look, which made a long queue quadratic (bench: a 200,000-job backlog stalled at ~500 jobs/s).
   */
  private KeyValue<WaitingKey, Job> head(String tenant, String type) {
    for (int rank = 0; rank < WaitingKey.RANKS; rank++) {
      // an empty rank is never looked into: a seek there would step over the next rank's markers
      if (!counts.has(tenant, type, rank)) {
        continue;
      }
      WaitingKey.Queue queue = new WaitingKey.Queue(tenant, type, rank);
      String from = cursors.getOrDefault(queue, queue.prefix());
      try (KeyValueIterator<String, Job> it = store.range(from, queue.end())) {
        if (it.hasNext()) {
          KeyValue<String, Job> head = it.next();
          return KeyValue.pair(WaitingKey.decode(head.key), head.value);
        }
      }
    }
    return null;
  }

  /** Takes a head (from {@link #next}) out of its queue, which is read on from there. */
  void removeHead(WaitingKey key) {
    String encoded = key.encode();
    remove(key, encoded);
    cursors.put(key.queue(), encoded);
  }

  /**
   * Takes the jobs cancelled since the last look out of the queue and returns them (one pass over
   * the store, only when there are new cancels).
   */
  List<Job> removeNewlyCancelled(CancelledJobs cancels) {
    List<Job> removed = new ArrayList<>();
    for (KeyValue<String, Job> e : cancels.newlyCancelledIn(store)) {
      remove(WaitingKey.decode(e.key), e.key);
      removed.add(e.value);
    }
    return removed;
  }

  /** Stops this task's share of the gauge. */
  void close() {
    gauge.stop(task);
  }

  private void remove(WaitingKey key, String encoded) {
    store.delete(encoded);
    counts.remove(key.tenant(), key.type(), key.rank());
    size--;
    gauge.add(task, -1);
  }
}

package dev.runex.topology.quota;

import dev.runex.schemas.Job;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.topology.monitoring.TaskSizeGauge;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The jobs one quota gate task admitted that hold a slot until their attempt ends, in its
 * changelogged store ({@code quota-in-flight}: key job id, value a {@link Slot}). Keeps the task's
 * share of the {@code runex.quota.in-flight} gauge in step with the store. Stream-thread only.
 */
final class AdmittedSlots {
  private static final char SEP = '\u0000';

  /**
   * The slot an admitted attempt holds: whose quotas it counts against, and the token of the
   * attempt ({@link ReleaseNotice#token}) that tells its release from a later retry's. Encoded
   * {@code tenant␀type␀token}.
   */
  record Slot(String tenant, String type, String token) {
    String encode() {
      return tenant + SEP + type + SEP + token;
    }

    static Slot decode(String text) {
      String[] parts = text.split(String.valueOf(SEP), 3);
      if (parts.length != 3) {
        throw new IllegalStateException("malformed quota gate entry: " + text.replace(SEP, '|'));
      }
      return new Slot(parts[0], parts[1], parts[2]);
    }
  }

  private final KeyValueStore<String, String> store;
  private final TaskSizeGauge gauge;
  private final TaskId task;
  private long size;

  private AdmittedSlots(KeyValueStore<String, String> store, TaskSizeGauge gauge, TaskId task) {
    this.store = store;
    this.gauge = gauge;
    this.task = task;
  }

  /**
   * The slots of {@code task} in {@code store}; each is counted again by {@code policy} (the counts
   * are in memory) and the gauge starts.
   */
  static AdmittedSlots open(
      KeyValueStore<String, String> store, TaskSizeGauge gauge, TaskId task, QuotaPolicy policy) {
    AdmittedSlots slots = new AdmittedSlots(store, gauge, task);
    try (KeyValueIterator<String, String> it = store.all()) {
      while (it.hasNext()) {
        Slot slot = Slot.decode(it.next().value);
        policy.restore(slot.tenant(), slot.type());
        slots.size++;
      }
    }
    gauge.start(task, slots.size);
    return slots;
  }

  /** Slots held in this task. */
  long size() {
    return size;
  }

  /** Whether {@code jobId} holds a slot. */
  boolean holds(String jobId) {
    return store.get(jobId) != null;
  }

  /** Records the slot {@code job}'s attempt now holds. */
  void hold(Job job) {
    store.put(
        job.getId(), new Slot(job.getTenant(), job.getType(), ReleaseNotice.token(job)).encode());
    size++;
    gauge.add(task, 1);
  }

  /**
   * Frees the slot a notice names and returns it; null when it holds none (already freed, never
   * gated) or when the retry it announces holds it already (the retry overtook the notice: that
   * slot is the retry's).
   */
  Slot free(ReleaseNotice notice) {
    String held = store.get(notice.jobId());
    if (held == null) {
      return null;
    }
    Slot slot = Slot.decode(held);
    if (!notice.isFinal() && notice.retryToken().equals(slot.token())) {
      return null;
    }
    store.delete(notice.jobId());
    size--;
    gauge.add(task, -1);
    return slot;
  }

  /** Stops this task's share of the gauge. */
  void close() {
    gauge.stop(task);
  }
}

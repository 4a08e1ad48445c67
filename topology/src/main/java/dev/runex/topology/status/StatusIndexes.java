package dev.runex.topology.status;

import dev.runex.schemas.JobStatusView;
import dev.runex.topology.cleanup.StatusRetention;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The status stage's two indexes, {@code job-status-by-tenant} and {@code job-status-expiry}. All
 * they hold follows from the job statuses, so they have no changelog of their own and each job
 * costs two changelog records in a drain (its status when queued and when finished) instead of
 * four. A task that starts rebuilds them from its status store before it folds its first event —
 * one read of every status the task holds — unless they are current ({@link #ensureCurrent}).
 *
 * <p>Current means built by this store instance at the epoch the changelogged {@link #EPOCHS} store
 * names. Each rebuild draws a new epoch and writes it both there and, under {@link #EPOCH}, into
 * the local tenant index; they are written and flushed with the commit that follows. A task that
 * restarts on the instance that last ran it, after a clean stop, finds its own epoch in both and
 * skips the rebuild. Anything else leaves them different or the local one missing: another instance
 * folded events into the task since (its epoch reached the changelog with its first commit of the
 * task, which wrote those statuses; an instance that committed nothing changed nothing), the local
 * state is new or was wiped (a restore from the changelog; under exactly_once_v2 Kafka Streams
 * wipes a task's local state after an unclean stop), or a standby took over (a standby keeps only
 * changelogged stores).
 */
final class StatusIndexes {
  /** Keys collected per pass while emptying an index (never deleted under an open iterator). */
  static final int CLEAR_BATCH = 10_000;

  /** The changelogged store naming the epoch of the latest rebuild of a task's indexes. */
  static final String EPOCHS = "job-status-index-epoch";

  /**
   * Key of the epoch in {@link #EPOCHS}, and of the epoch the local indexes were built at in the
   * tenant index, where every other key starts with a digit (its tenant's length): it falls in no
   * tenant's range.
   */
  static final String EPOCH = "~epoch";

  private StatusIndexes() {}

  /**
   * Rebuilds the indexes ({@link #rebuild}) unless the local tenant index was built at the epoch
   * {@code epochs} names; after a rebuild, both name {@code newEpoch}'s epoch. Answers how many
   * statuses the rebuild read, or -1 when the indexes were current.
   */
  static long ensureCurrent(
      KeyValueStore<String, JobStatusView> statuses,
      KeyValueStore<String, String> byTenant,
      KeyValueStore<String, String> expiry,
      KeyValueStore<String, String> epochs,
      StatusRetention retention,
      Supplier<String> newEpoch) {
    String latest = epochs.get(EPOCH);
    if (latest != null && latest.equals(byTenant.get(EPOCH))) {
      return -1;
    }
    long read = rebuild(statuses, byTenant, expiry, retention);
    String epoch = newEpoch.get();
    epochs.put(EPOCH, epoch);
    byTenant.put(EPOCH, epoch);
    return read;
  }

  /**
   * Empties both indexes, then files every status of {@code statuses}: a job with a tenant in the
   * tenant index, a finished job in the expiry index through {@code retention}. Answers how many
   * statuses it read.
   */
  static long rebuild(
      KeyValueStore<String, JobStatusView> statuses,
      KeyValueStore<String, String> byTenant,
      KeyValueStore<String, String> expiry,
      StatusRetention retention) {
    // A local index may hold what an earlier run of this task left: entries of jobs deleted since,
    // or missing the jobs another instance folded while it owned the task.
    clear(byTenant);
    clear(expiry);
    long read = 0;
    try (KeyValueIterator<String, JobStatusView> all = statuses.all()) {
      while (all.hasNext()) {
        JobStatusView view = all.next().value;
        indexTenant(byTenant, null, view);
        retention.folded(null, view);
        read++;
      }
    }
    return read;
  }

  /** Files a job in the tenant index when {@code after} is the first status to name its tenant. */
  static void indexTenant(
      KeyValueStore<String, String> byTenant, JobStatusView before, JobStatusView after) {
    if (after.getTenant() != null && (before == null || before.getTenant() == null)) {
      byTenant.put(TenantIndexKey.of(after.getTenant(), after.getJobId()), after.getJobId());
    }
  }

  static void clear(KeyValueStore<String, String> store) {
    List<String> keys = new ArrayList<>(CLEAR_BATCH);
    String from = null;
    do {
      keys.clear();
      try (KeyValueIterator<String, String> it =
          from == null ? store.all() : store.range(from, null)) {
        while (it.hasNext() && keys.size() < CLEAR_BATCH) {
          keys.add(it.next().key);
        }
      }
      keys.forEach(store::delete);
      // the next pass starts at the last key deleted: gone now, so it begins just after it
      from = keys.isEmpty() ? null : keys.get(keys.size() - 1);
    } while (keys.size() == CLEAR_BATCH);
  }
}

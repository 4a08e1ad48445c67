package dev.runex.topology.cleanup;

import dev.runex.schemas.JobStatusView;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the status of finished jobs once {@code runex.topology.statusRetention} has passed since
 * they finished: their entry in {@code job-status} (a tombstone in its changelog) and in the tenant
 * index. Unfinished jobs are never deleted. Finished jobs are filed in an {@link ExpiryIndex}
 * ({@code job-status-expiry}) as they finish; the status stage's wall-clock punctuator runs {@link
 * #sweep} every {@link #INTERVAL}, at most {@link #MAX_PER_SWEEP} jobs per run, and every second
 * while a run finds a full batch due ({@link SweepSchedule}).
 */
public final class StatusRetention {
  public static final Duration INTERVAL = Duration.ofMinutes(1);
  public static final int MAX_PER_SWEEP = 10_000;

  private static final Logger log = LoggerFactory.getLogger(StatusRetention.class);

  private final Duration retention;
  private final KeyValueStore<String, JobStatusView> statuses;
  private final ExpiryIndex expiry;
  private final BiConsumer<String, String> deleteFromTenantIndex;

  /**
   * @param deleteFromTenantIndex deletes a job (tenant, job id) from the tenant index
   */
  public StatusRetention(
      Duration retention,
      KeyValueStore<String, JobStatusView> statuses,
      ExpiryIndex expiry,
      BiConsumer<String, String> deleteFromTenantIndex) {
    this.retention = retention;
    this.statuses = statuses;
    this.expiry = expiry;
    this.deleteFromTenantIndex = deleteFromTenantIndex;
  }

  /** After an event was folded: a job that finished with it (or finished again) is filed. */
  public void folded(JobStatusView before, JobStatusView after) {
    boolean finishedNow =
        after.getTerminal()
            && (before == null
                || !before.getTerminal()
                || !after.getFinishedAt().equals(before.getFinishedAt()));
    if (finishedNow) {
      file(after);
    }
  }

  /**
   * Deletes finished jobs past retention, at most {@link #MAX_PER_SWEEP}; an entry whose job lived
   * on (replayed) is re-filed or dropped. True when it took a full batch: more may be due.
   */
  public boolean sweep(long now) {
    int deleted = 0;
    List<String> due = expiry.takeDue(now, MAX_PER_SWEEP);
    for (String jobId : due) {
      JobStatusView view = statuses.get(jobId);
      if (view == null || !view.getTerminal()) {
        continue; // gone already, or running again: its next finish files a new entry
      }
      if (expiresAt(view) <= now) {
        statuses.delete(view.getJobId());
        if (view.getTenant() != null) {
          deleteFromTenantIndex.accept(view.getTenant(), view.getJobId());
        }
        deleted++;
      } else {
        file(view);
      }
    }
    if (deleted > 0) {
      log.debug("Deleted the status of {} jobs finished more than {} ago", deleted, retention);
    }
    return due.size() == MAX_PER_SWEEP;
  }

  private void file(JobStatusView finished) {
    expiry.file(expiresAt(finished), finished.getJobId());
  }

  private long expiresAt(JobStatusView finished) {
    return finished.getFinishedAt().toEpochMilli() + retention.toMillis();
  }
}

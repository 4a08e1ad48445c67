package dev.runex.topology.status;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobStatusView;
import dev.runex.topology.queueing.TimeOrderedKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status stage: keeps every job's current status, queryable by id and by tenant.
 *
 * <ul>
 *   <li>input: {@code events} (key job id, {@code JobEvent}), from the beginning of the topic;
 *   <li>{@link #STORE} ({@code job-status}): job id → {@code JobStatusView}, folded by {@link
 *       StatusFold};
 *   <li>{@link #TENANT_INDEX} ({@code job-status-by-tenant}): {@link TenantIndexKey} → job id, for
 *       listing one tenant's jobs without reading everyone's;
 *   <li>{@link #EXPIRY} ({@code job-status-expiry}): finish time + retention → job id; a wall-clock
 *       punctuator deletes finished jobs' status (tombstones in the changelogs) once retention has
 *       passed, at most {@link #MAX_EXPIRED_PER_PUNCTUATION} per run. Unfinished jobs stay.
 * </ul>
 *
 * <p>No output records. Guarantee: the stores are changelogged and commit with the input offsets
 * (exactly_once_v2), so each event is folded in once, across restarts and rebalances.
 */
public final class StatusUpdater implements Processor<String, JobEvent, Void, Void> {
  public static final String STORE = "job-status";
  public static final String TENANT_INDEX = "job-status-by-tenant";
  public static final String EXPIRY = "job-status-expiry";
  public static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);
  public static final int MAX_EXPIRED_PER_PUNCTUATION = 10_000;

  private static final Logger log = LoggerFactory.getLogger(StatusUpdater.class);

  private final Duration retention;
  private KeyValueStore<String, JobStatusView> store;
  private KeyValueStore<String, String> byTenant;
  private KeyValueStore<String, String> expiry;

  public StatusUpdater(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
    this.byTenant = context.getStateStore(TENANT_INDEX);
    this.expiry = context.getStateStore(EXPIRY);
    context.schedule(CLEANUP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::deleteExpired);
  }

  @Override
  public void process(Record<String, JobEvent> record) {
    JobEvent event = record.value();
    if (event == null || event.getJobId() == null) {
      return;
    }
    JobStatusView before = store.get(event.getJobId());
    JobStatusView after = StatusFold.apply(before, event);
    store.put(after.getJobId(), after);
    if (after.getTenant() != null && (before == null || before.getTenant() == null)) {
      byTenant.put(TenantIndexKey.of(after.getTenant(), after.getJobId()), after.getJobId());
    }
    boolean finishedNow =
        after.getTerminal()
            && (before == null
                || !before.getTerminal()
                || !after.getFinishedAt().equals(before.getFinishedAt()));
    if (finishedNow) {
      expiry.put(expiryKey(after), after.getJobId());
    }
  }

  private String expiryKey(JobStatusView finished) {
    return TimeOrderedKeys.of(
        finished.getFinishedAt().toEpochMilli() + retention.toMillis(), finished.getJobId());
  }

  /**
   * Deletes finished jobs past retention; an entry whose job lived on (replayed) is re-filed or
   * dropped.
   */
  private void deleteExpired(long now) {
    List<String> due = new ArrayList<>();
    // Collect first, then delete: never mutate a store under an open iterator.
    try (KeyValueIterator<String, String> it = expiry.range(null, TimeOrderedKeys.upTo(now))) {
      while (it.hasNext() && due.size() < MAX_EXPIRED_PER_PUNCTUATION) {
        due.add(it.next().key);
      }
    }
    int deleted = 0;
    for (String key : due) {
      expiry.delete(key);
      JobStatusView view = store.get(TimeOrderedKeys.rest(key));
      if (view == null || !view.getTerminal()) {
        continue; // gone already, or running again: its next finish files a new entry
      }
      if (view.getFinishedAt().toEpochMilli() + retention.toMillis() <= now) {
        store.delete(view.getJobId());
        if (view.getTenant() != null) {
          byTenant.delete(TenantIndexKey.of(view.getTenant(), view.getJobId()));
        }
        deleted++;
      } else {
        expiry.put(expiryKey(view), view.getJobId());
      }
    }
    if (deleted > 0) {
      log.debug("Deleted the status of {} jobs finished more than {} ago", deleted, retention);
    }
  }
}

package dev.runex.topology.status;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobStatusView;
import dev.runex.topology.cleanup.ExpiryIndex;
import dev.runex.topology.cleanup.StatusRetention;
import dev.runex.topology.cleanup.SweepSchedule;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

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
 *       passed ({@link StatusRetention}). Unfinished jobs stay.
 * </ul>
 *
 * <p>No output records. Guarantee: the stores are changelogged and commit with the input offsets
 * (exactly_once_v2), so each event is folded in once, across restarts and rebalances.
 */
public final class StatusUpdater implements Processor<String, JobEvent, Void, Void> {
  public static final String STORE = "job-status";
  public static final String TENANT_INDEX = "job-status-by-tenant";
  public static final String EXPIRY = "job-status-expiry";

  private final Duration retention;
  private KeyValueStore<String, JobStatusView> store;
  private KeyValueStore<String, String> byTenant;
  private StatusRetention cleanup;

  public StatusUpdater(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
    this.byTenant = context.getStateStore(TENANT_INDEX);
    this.cleanup =
        new StatusRetention(
            retention,
            store,
            new ExpiryIndex(context.getStateStore(EXPIRY)),
            (tenant, jobId) -> byTenant.delete(TenantIndexKey.of(tenant, jobId)));
    SweepSchedule.start(context, StatusRetention.INTERVAL, cleanup::sweep);
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
    cleanup.folded(before, after);
  }
}

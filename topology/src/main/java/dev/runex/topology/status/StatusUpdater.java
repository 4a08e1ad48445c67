package dev.runex.topology.status;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobStatusView;
import dev.runex.topology.cleanup.ExpiryIndex;
import dev.runex.topology.cleanup.StatusRetention;
import dev.runex.topology.cleanup.SweepSchedule;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
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
 *       punctuator deletes finished jobs' status (a tombstone in the status changelog) once
 *       retention has passed ({@link StatusRetention}). Unfinished jobs stay.
 * </ul>
 *
 * <p>No output records. Guarantee: the status store is changelogged and commits with the input
 * offsets (exactly_once_v2), so each event is folded in once, across restarts and rebalances. The
 * two indexes are not changelogged: {@link #init} rebuilds them from the restored status store
 * unless they are current ({@link StatusIndexes}), so they hold exactly what the statuses say.
 */
public final class StatusUpdater implements Processor<String, JobEvent, Void, Void> {
  public static final String STORE = "job-status";
  public static final String TENANT_INDEX = "job-status-by-tenant";
  public static final String EXPIRY = "job-status-expiry";

  private static final Logger log = LoggerFactory.getLogger(StatusUpdater.class);

  private final Duration retention;
  private final int niceBy;
  private KeyValueStore<String, JobStatusView> store;
  private KeyValueStore<String, String> byTenant;
  private StatusRetention cleanup;

  /**
   * @param niceBy how much lower than the process's the CPU priority of the stream threads that run
   *     this processor is ({@link StatusThreadPriority}); 0 leaves it
   */
  public StatusUpdater(Duration retention, int niceBy) {
    this.retention = retention;
    this.niceBy = niceBy;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    StatusThreadPriority.lowerCurrentThread(niceBy);
    this.store = context.getStateStore(STORE);
    this.byTenant = context.getStateStore(TENANT_INDEX);
    KeyValueStore<String, String> expiry = context.getStateStore(EXPIRY);
    this.cleanup =
        new StatusRetention(
            retention,
            store,
            new ExpiryIndex(expiry),
            (tenant, jobId) -> byTenant.delete(TenantIndexKey.of(tenant, jobId)));
    // Kafka Streams initializes a task's processors once its stores are restored: the status store
    // is complete here, and the unlogged indexes are rebuilt from it unless they are current.
    long started = System.nanoTime();
    long statuses =
        StatusIndexes.ensureCurrent(
            store,
            byTenant,
            expiry,
            context.getStateStore(StatusIndexes.EPOCHS),
            cleanup,
            () -> UUID.randomUUID().toString());
    if (statuses > 0) {
      log.info(
          "Task {}: rebuilt the tenant and expiry indexes from {} job statuses in {} ms",
          context.taskId(),
          statuses,
          (System.nanoTime() - started) / 1_000_000);
    } else if (statuses < 0) {
      log.debug("Task {}: the tenant and expiry indexes are current", context.taskId());
    }
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
    StatusIndexes.indexTenant(byTenant, before, after);
    cleanup.folded(before, after);
  }
}

package dev.runex.topology.queueing;

import dev.runex.config.Quotas;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Job;

/**
 * Which valid jobs intake sends straight to their pool, in its own transaction, instead of through
 * {@code validated} to the queueing sub-topology: those that would only pass through the queueing
 * task. A job qualifies when, at intake's wall-clock {@code now},
 *
 * <ul>
 *   <li>the delay index would not hold it ({@link DelayIndex#leavesAtOnce}: due within {@code
 *       runex.topology.releaseAhead}, its worker holding it until it is due, or already unable to
 *       start before its deadline, which the expiry check then ends), and
 *   <li>no quota gates its tenant and type ({@link Quotas#gated}): gated jobs meet their tenant's
 *       quota state in the quota gate's task, through {@code admission} (key tenant).
 * </ul>
 *
 * <p>Jobs with an idempotency key never get here: intake sends them to the dedupe stage first. A
 * job that does not qualify takes {@code validated}, as every job did before; the delay index
 * decides again on arrival, so a job that became due on the way is not held. Pure: no Kafka.
 */
public final class DirectDispatch {
  private final RunexConfig cfg;
  private final Quotas quotas;
  private final long releaseAheadMs;

  public DirectDispatch(RunexConfig cfg) {
    this.cfg = cfg;
    this.quotas = cfg.quotas();
    this.releaseAheadMs = cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD).toMillis();
  }

  /** True when {@code job}, validated at {@code now}, goes straight to its pool. */
  public boolean applies(Job job, long now) {
    return !quotas.gated(job.getTenant(), job.getType())
        && DelayIndex.leavesAtOnce(cfg, job, now, releaseAheadMs);
  }
}

package dev.runex.topology.quota;

import dev.runex.config.Quotas;
import dev.runex.schemas.Job;
import dev.runex.topology.dispatch.PoolDispatcher;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Queueing stage, after the delay index: a due job of a tenant (or tenant × job type) with a quota
 * goes to {@link #TO_ADMISSION} ({@code admission}, re-keyed by tenant) for the {@link QuotaGate};
 * every other job goes straight on to the expiry check and its pool.
 */
public final class QuotaRoute implements Processor<String, Job, String, Job> {
  public static final String NAME = "queueing-quota-route";
  public static final String TO_ADMISSION = "queueing-admission-sink";

  private final Quotas quotas;
  private ProcessorContext<String, Job> context;

  public QuotaRoute(Quotas quotas) {
    this.quotas = quotas;
  }

  @Override
  public void init(ProcessorContext<String, Job> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    if (quotas.gated(job.getTenant(), job.getType())) {
      context.forward(record.withKey(job.getTenant()), TO_ADMISSION);
    } else {
      context.forward(record, PoolDispatcher.MAIN.expiry());
    }
  }
}

package dev.runex.topology.quota;

import dev.runex.config.Quotas;
import dev.runex.schemas.Job;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Queueing stage, after the delay index: a due job of a tenant (or tenant × job type) with a quota
 * goes to {@code toAdmission} (the {@code admission} sink; re-keyed by tenant) for the {@link
 * QuotaGate}; every other job goes straight on to {@code toExpiry}, the expiry check on the way to
 * its pool. Both node names come from the sub-topology that wires this route.
 */
public final class QuotaRoute implements Processor<String, Job, String, Job> {
  private final Quotas quotas;
  private final String toAdmission;
  private final String toExpiry;
  private ProcessorContext<String, Job> context;

  public QuotaRoute(Quotas quotas, String toAdmission, String toExpiry) {
    this.quotas = quotas;
    this.toAdmission = toAdmission;
    this.toExpiry = toExpiry;
  }

  @Override
  public void init(ProcessorContext<String, Job> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    if (quotas.gated(job.getTenant(), job.getType())) {
      context.forward(record.withKey(job.getTenant()), toAdmission);
    } else {
      context.forward(record, toExpiry);
    }
  }
}

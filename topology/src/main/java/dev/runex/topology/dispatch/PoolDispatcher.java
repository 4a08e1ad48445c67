package dev.runex.topology.dispatch;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.lifecycle.TraceParents;
import dev.runex.topology.monitoring.StageCounters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scheduling stage: hands a due job to its pool.
 *
 * <ul>
 *   <li>input: due jobs from the expiry check of intake's direct path, the delay index's or the
 *       quota gate's (key job id);
 *   <li>output: the {@link DispatchNames#scheduledSink()} → {@code scheduled.<pool>} (via {@link
 *       PoolTopicExtractor}), record key = the job's partition key, so jobs sharing a key land in
 *       one partition, in order; header {@code traceparent} = the job's, when it was submitted with
 *       one;
 *   <li>output: a SCHEDULED event on the {@link DispatchNames#eventsSink()} (key job id).
 * </ul>
 *
 * <p>The sink names come from the sub-topology that wires this dispatcher.
 */
public final class PoolDispatcher implements Processor<String, Job, String, Object> {
  private final PoolTopicExtractor pools;
  private final StageCounters counters;
  private final String instanceId;
  private final DispatchNames names;
  private ProcessorContext<String, Object> context;

  public PoolDispatcher(
      PoolTopicExtractor pools, StageCounters counters, String instanceId, DispatchNames names) {
    this.pools = pools;
    this.counters = counters;
    this.instanceId = instanceId;
    this.names = names;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    Record<String, Object> scheduled = new Record<>(job.getPartitionKey(), job, record.timestamp());
    if (job.getTraceParent() != null) {
      scheduled
          .headers()
          .add(TraceParents.HEADER, job.getTraceParent().getBytes(StandardCharsets.UTF_8));
    }
    context.forward(scheduled, names.scheduledSink());
    counters.increment(RunexMeters.SCHEDULED, job.getPool(), job.getType());
    JobEvent event =
        Lifecycle.event(
            job,
            JobEventKind.SCHEDULED,
            Lifecycle.SCHEDULING,
            instanceId,
            pools.extract(job.getPartitionKey(), job, null),
            context.currentSystemTimeMs());
    context.forward(new Record<>(job.getId(), event, record.timestamp()), names.eventsSink());
  }
}

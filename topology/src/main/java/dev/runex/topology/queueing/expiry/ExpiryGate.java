package dev.runex.topology.queueing.expiry;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Deadlines;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.topology.dispatch.DispatchNames;
import dev.runex.topology.dispatch.PoolDispatcher;
import dev.runex.topology.monitoring.StageCounters;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queueing stage, last step before scheduling: a job leaving the delay index (due now, released by
 * the punctuator, or unable to start before its deadline), the quota gate, or intake's direct path
 * (due at validation) is scheduled only while it may still start ({@link Deadlines}).
 *
 * <ul>
 *   <li>input: jobs from the delay index, the quota gate or intake's cancel check (key job id);
 *   <li>may start → {@link PoolDispatcher} unchanged ({@link DispatchNames#dispatch()});
 *   <li>expired → its one EXPIRED {@code JobResult} on the {@link DispatchNames#results()} ({@code
 *       results}) and an EXPIRED event on the {@link DispatchNames#eventsSink()} ({@code events}),
 *       both keyed by job id. No dead letter: an expired job is an outcome the submitter asked for,
 *       not a fault to replay.
 * </ul>
 *
 * <p>Guarantee: decided and written in the transaction of the task it leaves from, so a job is
 * either scheduled or expired, once. The node names come from the sub-topology that wires it.
 */
public final class ExpiryGate implements Processor<String, Job, String, Object> {
  private static final Logger log = LoggerFactory.getLogger(ExpiryGate.class);

  private final RunexConfig cfg;
  private final StageCounters counters;
  private final String instanceId;
  private final DispatchNames names;
  private ProcessorContext<String, Object> context;

  public ExpiryGate(
      RunexConfig cfg, StageCounters counters, String instanceId, DispatchNames names) {
    this.cfg = cfg;
    this.counters = counters;
    this.instanceId = instanceId;
    this.names = names;
  }

  /** True when {@code job} may no longer start at {@code now} (shared with the delay index). */
  public static boolean expired(RunexConfig cfg, Job job, long now) {
    return Deadlines.expired(
        job, JobTypeSpec.maxQueueTimeOf(cfg.jobType(job.getType())), Instant.ofEpochMilli(now));
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    long now = context.currentSystemTimeMs();
    if (!expired(cfg, job, now)) {
      context.forward(record, names.dispatch());
      return;
    }
    JobTypeSpec type = cfg.jobType(job.getType());
    counters.increment(RunexMeters.JOB_EXPIRED, job.getType(), Lifecycle.QUEUEING);
    context.forward(
        new Record<>(
            job.getId(),
            Deadlines.result(job, JobTypeSpec.maxQueueTimeOf(type), now, instanceId),
            record.timestamp()),
        names.results());
    JobEvent event =
        Lifecycle.event(
            job,
            JobEventKind.EXPIRED,
            Lifecycle.QUEUEING,
            instanceId,
            Deadlines.detail(job, JobTypeSpec.maxQueueTimeOf(type)),
            now);
    context.forward(new Record<>(job.getId(), event, record.timestamp()), names.eventsSink());
    log.debug(
        "Job {} expired in the queue: {}",
        job.getId(),
        Deadlines.detail(job, JobTypeSpec.maxQueueTimeOf(type)));
  }
}

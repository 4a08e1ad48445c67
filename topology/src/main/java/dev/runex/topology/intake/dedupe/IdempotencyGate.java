package dev.runex.topology.intake.dedupe;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.topology.cleanup.ExpiryIndex;
import dev.runex.topology.cleanup.IdempotencyWindow;
import dev.runex.topology.cleanup.SweepSchedule;
import dev.runex.topology.monitoring.StageCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dedupe stage: lets the first job with a tenant's idempotency key through, and answers later ones
 * within the idempotency window with a DUPLICATE rejection instead of running them.
 *
 * <ul>
 *   <li>input: the {@code intake-dedupe} repartition topic, key {@link IdempotencyKey#encoded()},
 *       value the validated {@code Job} (so every submission with one key meets in one task);
 *   <li>every job let through or rejected gets its RECEIVED and VALIDATED transitions here (and a
 *       duplicate its REJECTED), as one lifecycle record on {@link Outputs#events()} (intake leaves
 *       them to this stage for jobs with a key);
 *   <li>first within the window → {@link Outputs#validated()} ({@code validated}, key job id); the
 *       {@link #STORE} store remembers key → (job id, first-seen time), the {@link #EXPIRY_STORE}
 *       store indexes it by expiry time;
 *   <li>later, another job id → REJECTED result with code DUPLICATE and {@code duplicateOf} on
 *       {@link Outputs#results()} and the REJECTED transition in its lifecycle record (both keyed
 *       by the duplicate's job id);
 *   <li>later, the same job id (the original re-sent) → dropped without output: that job already
 *       runs, and a second result or RECEIVED event under its id would contradict it;
 *   <li>a wall-clock punctuator deletes entries older than the window, in expiry order ({@link
 *       IdempotencyWindow}), so the store does not grow without bound.
 * </ul>
 *
 * <p>Guarantee: both stores are changelogged and commit with the outputs and input offsets
 * (exactly_once_v2), so across crashes and rebalances exactly one job per key and window runs.
 */
public final class IdempotencyGate implements Processor<String, Job, String, Object> {
  public static final String STORE = "intake-dedupe";
  public static final String EXPIRY_STORE = "intake-dedupe-expiry";

  /** The nodes the dedupe stage forwards to, named by its sub-topology. */
  public record Outputs(String validated, String results, String events) {}

  private static final Logger log = LoggerFactory.getLogger(IdempotencyGate.class);

  private final Duration window;
  private final StageCounters counters;
  private final String instanceId;
  private final Outputs out;
  private ProcessorContext<String, Object> context;
  private TimestampedKeyValueStore<String, String> seen;
  private IdempotencyWindow windows;

  public IdempotencyGate(Duration window, StageCounters counters, String instanceId, Outputs out) {
    this.window = window;
    this.counters = counters;
    this.instanceId = instanceId;
    this.out = out;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
    this.windows =
        new IdempotencyWindow(window, seen, new ExpiryIndex(context.getStateStore(EXPIRY_STORE)));
    SweepSchedule.start(context, IdempotencyWindow.INTERVAL, windows::sweep);
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    if (job == null || record.key() == null) {
      return;
    }
    long now = context.currentSystemTimeMs();
    ValueAndTimestamp<String> first = seen.get(record.key());
    if (first != null
        && !windows.expired(first.timestamp(), now)
        && first.value().equals(job.getId())) {
      log.debug(
          "Job {} was submitted again with its own idempotency key; it already runs", job.getId());
      return;
    }
    // one record for the transitions of this transaction: RECEIVED, VALIDATED, and a duplicate's
    // REJECTED
    List<JobEvent> transitions = new ArrayList<>(3);
    transitions.add(
        Lifecycle.event(job, JobEventKind.RECEIVED, Lifecycle.INTAKE, instanceId, null, now));
    transitions.add(
        Lifecycle.event(job, JobEventKind.VALIDATED, Lifecycle.VALIDATION, instanceId, null, now));
    if (first == null || windows.expired(first.timestamp(), now)) {
      windows.remember(record.key(), job.getId(), now);
      context.forward(new Record<>(job.getId(), job, record.timestamp()), out.validated());
    } else {
      rejectDuplicate(record, job, first, now);
      transitions.add(DuplicateSubmission.event(job, first.value(), now, instanceId));
    }
    event(record, Lifecycle.merge(transitions));
  }

  private void event(Record<String, Job> cause, JobEvent event) {
    context.forward(new Record<>(event.getJobId(), event, cause.timestamp()), out.events());
  }

  private void rejectDuplicate(
      Record<String, Job> record, Job job, ValueAndTimestamp<String> first, long now) {
    counters.increment(RunexMeters.INTAKE_REJECTED, ReasonCode.DUPLICATE.code());
    Instant firstSeen = Instant.ofEpochMilli(first.timestamp());
    context.forward(
        new Record<>(
            job.getId(),
            DuplicateSubmission.result(job, first.value(), firstSeen, now, instanceId),
            record.timestamp()),
        out.results());
    log.debug(
        "Job {} is a duplicate of job {} (idempotency key {})",
        job.getId(),
        first.value(),
        record.key());
  }
}

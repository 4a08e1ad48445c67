package dev.runex.topology.intake.dedupe;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.queueing.TimeOrderedKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
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
 *   <li>every job let through or rejected gets its RECEIVED and VALIDATED events here, on {@link
 *       #TO_EVENTS} (intake leaves them to this stage for jobs with a key);
 *   <li>first within the window → {@link #TO_VALIDATED} ({@code validated}, key job id); the {@link
 *       #STORE} store remembers key → (job id, first-seen time), the {@link #EXPIRY_STORE} store
 *       indexes it by expiry time;
 *   <li>later, another job id → REJECTED result with code DUPLICATE and {@code duplicateOf} on
 *       {@link #TO_RESULTS} and a REJECTED event on {@link #TO_EVENTS} (both keyed by the
 *       duplicate's job id);
 *   <li>later, the same job id (the original re-sent) → dropped without output: that job already
 *       runs, and a second result or RECEIVED event under its id would contradict it;
 *   <li>a wall-clock punctuator deletes entries older than the window, in expiry order, at most
 *       {@link #MAX_EXPIRED_PER_PUNCTUATION} per run, so the store does not grow without bound.
 * </ul>
 *
 * <p>Guarantee: both stores are changelogged and commit with the outputs and input offsets
 * (exactly_once_v2), so across crashes and rebalances exactly one job per key and window runs.
 */
public final class IdempotencyGate implements Processor<String, Job, String, Object> {
  public static final String NAME = "intake-dedupe";
  public static final String STORE = "intake-dedupe";
  public static final String EXPIRY_STORE = "intake-dedupe-expiry";
  public static final String TO_VALIDATED = "dedupe-validated-sink";
  public static final String TO_RESULTS = "dedupe-results-sink";
  public static final String TO_EVENTS = "dedupe-events-sink";

  /**
   * How often expired keys are removed; lookups check the age themselves, so this only bounds size.
   */
  public static final Duration CLEANUP_INTERVAL = Duration.ofSeconds(30);

  public static final int MAX_EXPIRED_PER_PUNCTUATION = 10_000;

  private static final Logger log = LoggerFactory.getLogger(IdempotencyGate.class);

  private final Duration window;
  private final StageCounters counters;
  private final String instanceId;
  private ProcessorContext<String, Object> context;
  private TimestampedKeyValueStore<String, String> seen;
  private KeyValueStore<String, String> expiry;

  public IdempotencyGate(Duration window, StageCounters counters, String instanceId) {
    this.window = window;
    this.counters = counters;
    this.instanceId = instanceId;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
    this.expiry = context.getStateStore(EXPIRY_STORE);
    context.schedule(CLEANUP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::forgetExpired);
  }

  @Override
  public void process(Record<String, Job> record) {
    Job job = record.value();
    if (job == null || record.key() == null) {
      return;
    }
    long now = context.currentSystemTimeMs();
    ValueAndTimestamp<String> first = seen.get(record.key());
    if (first != null && !expired(first.timestamp(), now) && first.value().equals(job.getId())) {
      log.debug(
          "Job {} was submitted again with its own idempotency key; it already runs", job.getId());
      return;
    }
    event(
        record,
        Lifecycle.event(job, JobEventKind.RECEIVED, Lifecycle.INTAKE, instanceId, null, now));
    event(
        record,
        Lifecycle.event(job, JobEventKind.VALIDATED, Lifecycle.VALIDATION, instanceId, null, now));
    if (first == null || expired(first.timestamp(), now)) {
      remember(record.key(), job.getId(), now);
      context.forward(new Record<>(job.getId(), job, record.timestamp()), TO_VALIDATED);
    } else {
      rejectDuplicate(record, job, first, now);
    }
  }

  private void event(Record<String, Job> cause, JobEvent event) {
    context.forward(new Record<>(event.getJobId(), event, cause.timestamp()), TO_EVENTS);
  }

  private void remember(String key, String jobId, long now) {
    seen.put(key, ValueAndTimestamp.make(jobId, now));
    expiry.put(TimeOrderedKeys.of(now + window.toMillis(), key), key);
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
        TO_RESULTS);
    event(record, DuplicateSubmission.event(job, first.value(), now, instanceId));
    log.debug(
        "Job {} is a duplicate of job {} (idempotency key {})",
        job.getId(),
        first.value(),
        record.key());
  }

  private boolean expired(long firstSeen, long now) {
    return firstSeen + window.toMillis() <= now;
  }

  /**
   * Deletes keys whose window ended, oldest first; an index entry outlived by its key is re-filed.
   */
  private void forgetExpired(long now) {
    List<String> due = new ArrayList<>();
    // Collect first, then delete: never mutate a store under an open iterator.
    try (KeyValueIterator<String, String> it = expiry.range(null, TimeOrderedKeys.upTo(now))) {
      while (it.hasNext() && due.size() < MAX_EXPIRED_PER_PUNCTUATION) {
        due.add(it.next().key);
      }
    }
    for (String indexKey : due) {
      expiry.delete(indexKey);
      String key = TimeOrderedKeys.rest(indexKey);
      ValueAndTimestamp<String> entry = seen.get(key);
      if (entry == null) {
        continue;
      }
      if (expired(entry.timestamp(), now)) {
        seen.delete(key);
      } else {
        // remembered again since, or the window grew across a restart: keep the index complete
        expiry.put(TimeOrderedKeys.of(entry.timestamp() + window.toMillis(), key), key);
      }
    }
  }
}

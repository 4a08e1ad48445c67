package dev.runex.topology.intake;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.lifecycle.TraceParents;
import dev.runex.topology.intake.DecodeResult.Decoded;
import dev.runex.topology.intake.DecodeResult.Undecodable;
import dev.runex.topology.intake.IntakeRejections.Refused;
import dev.runex.topology.intake.IntakeRejections.Source;
import dev.runex.topology.intake.dedupe.IdempotencyGate;
import dev.runex.topology.intake.dedupe.IdempotencyKey;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.queueing.DirectDispatch;
import dev.runex.topology.validation.JobIds;
import dev.runex.topology.validation.JobValidator;
import dev.runex.topology.validation.Validation;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intake stage: decodes and validates each intake record, then only routes — the decisions live in
 * {@link IntakeDecoder} and {@link JobValidator}.
 *
 * <ul>
 *   <li>input: {@code intake} (raw key bytes, raw value bytes);
 *   <li>valid → the job (key job id, {@code Job}) to {@link Outputs#direct()} when {@link
 *       DirectDispatch} says the queueing task has nothing to do for it (due now, no quota: the
 *       cancel check, expiry check and pool dispatcher follow in this task, so it reaches {@code
 *       scheduled.<pool>} in this transaction), its RECEIVED and VALIDATED transitions to {@link
 *       Outputs#directEvents()}, which writes them with the path's SCHEDULED (or CANCELLED, or
 *       EXPIRED) as one lifecycle record; or else the job to {@link Outputs#validated()} ({@code
 *       validated}, for the delay index or the quota gate) and one record of RECEIVED and VALIDATED
 *       on {@link Outputs#events()} (key job id);
 *   <li>valid with an {@code idempotencyKey} → {@link Outputs#dedupe()} instead, keyed by {@link
 *       IdempotencyKey#encoded()}, so that every submission with that key meets in one task of the
 *       dedupe stage ({@link IdempotencyGate}, which emits its events and writes {@code
 *       validated});
 *   <li>invalid → a REJECTED {@code JobResult} on {@link Outputs#results()} (key job id), a {@code
 *       DeadLetter} on {@link Outputs#deadLetters()} keyed by the ORIGINAL key bytes and carrying
 *       the original value, and one lifecycle record of RECEIVED, REJECTED, DEAD_LETTERED;
 *   <li>undecodable → the dead letter always; the result and events only when the record key is a
 *       usable job id (non-blank UTF-8), so a producer waiting on its id learns why.
 * </ul>
 *
 * <p>Bad input never throws: every outcome is a record. Only an unreachable schema registry ({@link
 * RegistryUnavailableException}) escapes, so exactly-once processing retries the record instead of
 * dead-lettering good input.
 */
public final class IntakeProcessor implements Processor<byte[], byte[], Object, Object> {
  private static final Logger log = LoggerFactory.getLogger(IntakeProcessor.class);

  /**
   * The nodes intake forwards to, named by its sub-topology.
   *
   * @param direct due jobs without quota or idempotency key: the first step of the direct dispatch
   * @param directEvents the direct path's events node: takes such a job's RECEIVED and VALIDATED
   *     events before the job goes to {@code direct}, and a null value once it has gone, to write
   *     them with the path's own transition as one record ({@code DirectPathEvents})
   */
  public record Outputs(
      String validated,
      String results,
      String deadLetters,
      String events,
      String dedupe,
      String direct,
      String directEvents) {}

  private final IntakeDecoder decoder;
  private final JobValidator validator;
  private final DirectDispatch direct;
  private final StageCounters counters;
  private final String instanceId;
  private final String intakeTopic;
  private final Outputs out;
  private ProcessorContext<Object, Object> context;

  public IntakeProcessor(
      IntakeDecoder decoder,
      JobValidator validator,
      DirectDispatch direct,
      StageCounters counters,
      String instanceId,
      String intakeTopic,
      Outputs out) {
    this.decoder = decoder;
    this.validator = validator;
    this.direct = direct;
    this.counters = counters;
    this.instanceId = instanceId;
    this.intakeTopic = intakeTopic;
    this.out = out;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    DecodeResult decoded = decoder.decode(intakeTopic, record.value());
    counters.increment(RunexMeters.INTAKE_RECEIVED, decoded.format().label());
    if (decoded instanceof Decoded d) {
      Validation v =
          validator.validate(
              d.request(), record.key(), record.value().length, record.timestamp(), now);
      if (v instanceof Validation.Valid valid) {
        accept(record, valid.job(), now);
      } else {
        Validation.Invalid invalid = (Validation.Invalid) v;
        reject(
            record,
            refused(d.request(), record.key()),
            d.format(),
            invalid.code(),
            invalid.message(),
            Lifecycle.VALIDATION,
            now);
      }
    } else {
      Undecodable u = (Undecodable) decoded;
      String key = IntakeKeys.jobIdOrNull(record.key());
      Refused refused = key == null ? null : new Refused(key, null, null, Map.of());
      reject(record, refused, u.format(), u.code(), u.message(), Lifecycle.INTAKE, now);
    }
  }

  private void accept(Record<byte[], byte[]> record, Job job, long now) {
    counters.increment(RunexMeters.INTAKE_VALIDATED, job.getType());
    // the submitter's trace continues in the worker (an invalid header is ignored, not an error)
    job.setTraceParent(TraceParents.from(record.headers()));
    IdempotencyKey key = IdempotencyKey.of(job);
    if (key != null) {
      // The dedupe stage emits this job's RECEIVED and VALIDATED events, or none when it is the
      // original sent again: a second RECEIVED would set a running or finished job's status back.
      context.forward(new Record<>(key.encoded(), job, record.timestamp()), out.dedupe());
      return;
    }
    JobEvent received =
        Lifecycle.event(job, JobEventKind.RECEIVED, Lifecycle.INTAKE, instanceId, null, now);
    JobEvent validated =
        Lifecycle.event(job, JobEventKind.VALIDATED, Lifecycle.VALIDATION, instanceId, null, now);
    Record<String, Job> next = new Record<>(job.getId(), job, record.timestamp());
    if (direct.applies(job, now)) {
      // the direct path ends this job's transaction with SCHEDULED, CANCELLED or EXPIRED: its
      // events node holds these two until then and writes all three as one record
      context.forward(new Record<>(job.getId(), received, record.timestamp()), out.directEvents());
      context.forward(new Record<>(job.getId(), validated, record.timestamp()), out.directEvents());
      context.forward(next, out.direct());
      context.forward(new Record<>(job.getId(), null, record.timestamp()), out.directEvents());
    } else {
      event(record, Lifecycle.merge(List.of(received, validated)));
      context.forward(next, out.validated());
    }
  }

  /**
   * Emits a rejection. {@code job} is null when nothing identifies the job: then only the dead
   * letter (keyed by the original key) tells the story.
   */
  private void reject(
      Record<byte[], byte[]> record,
      Refused job,
      IntakeFormat format,
      String code,
      String message,
      String rejectStage,
      long now) {
    counters.increment(RunexMeters.INTAKE_REJECTED, code);
    counters.increment(RunexMeters.JOB_DEAD_LETTERED, Lifecycle.INTAKE);
    ErrorInfo reason = IntakeRejections.reason(code, message);
    String detail = code + ": " + message;
    String jobId = job == null ? null : job.jobId();
    if (job != null) {
      long submittedAt = record.timestamp() > 0 ? record.timestamp() : now;
      context.forward(
          new Record<>(
              jobId,
              IntakeRejections.result(job, reason, submittedAt, now, instanceId),
              record.timestamp()),
          out.results());
    }
    context.forward(
        new Record<>(
            record.key(),
            IntakeRejections.deadLetter(jobId, reason, source(record, format), now),
            record.timestamp()),
        out.deadLetters());
    if (job != null) {
      event(
          record,
          Lifecycle.merge(
              List.of(
                  refusedEvent(job, JobEventKind.RECEIVED, Lifecycle.INTAKE, null, now),
                  refusedEvent(job, JobEventKind.REJECTED, rejectStage, detail, now),
                  refusedEvent(job, JobEventKind.DEAD_LETTERED, Lifecycle.INTAKE, detail, now))));
    }
    log.debug("Rejected intake record (job {}) at {}: {}", jobId, coordinates(), detail);
  }

  private static Refused refused(JobRequest r, byte[] key) {
    return new Refused(
        JobIds.resolve(r.getId(), key, JobIds.RANDOM),
        blankToNull(r.getType()),
        blankToNull(r.getTenant()),
        r.getLabels());
  }

  private JobEvent refusedEvent(
      Refused job, JobEventKind kind, String stage, String detail, long now) {
    return Lifecycle.event(
        job.jobId(), job.tenant(), job.type(), kind, stage, instanceId, detail, now);
  }

  private void event(Record<byte[], byte[]> cause, JobEvent event) {
    context.forward(new Record<>(event.getJobId(), event, cause.timestamp()), out.events());
  }

  private Source source(Record<byte[], byte[]> record, IntakeFormat format) {
    RecordMetadata m = context.recordMetadata().orElse(null);
    return m == null
        ? new Source(intakeTopic, -1, -1L, record.value(), format)
        : new Source(m.topic(), m.partition(), m.offset(), record.value(), format);
  }

  private String coordinates() {
    return context
        .recordMetadata()
        .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
        .orElse(intakeTopic);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

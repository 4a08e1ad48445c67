package dev.runex.workers.internal.output;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RetryPolicy;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.Feedback;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.ResourceUsage;
import dev.runex.schemas.feedback.FeedbackRecords;
import dev.runex.schemas.lifecycle.Deadlines;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.PatientSchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.workers.internal.deadletter.DeadLetterFactory;
import dev.runex.workers.internal.deadletter.SourceCoordinates;
import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.execution.AttemptOutcome.Deferred;
import dev.runex.workers.internal.execution.AttemptOutcome.Failed;
import dev.runex.workers.internal.execution.AttemptOutcome.Succeeded;
import dev.runex.workers.internal.execution.Failure;
import dev.runex.workers.internal.output.AttemptOutputs.Kind;
import dev.runex.workers.internal.retry.RetryDecision;
import dev.runex.workers.internal.retry.RetryDecision.GiveUp;
import dev.runex.workers.internal.retry.RetryDecision.Retry;
import dev.runex.workers.internal.retry.RetryPlanner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The records an attempt produces, serialized with the topic registry's serdes so one byte-array
 * transactional producer writes them all. Outputs of an attempt, keyed by job id:
 *
 * <ul>
 *   <li>succeeded: SUCCEEDED result on {@code results} + SUCCEEDED event;
 *   <li>retryable with attempts left: the next attempt on {@code retry} + RETRY_SCHEDULED event;
 *   <li>otherwise: FAILED or TIMED_OUT result + dead letter on {@code dead-letter} + FAILED or
 *       TIMED_OUT event + DEAD_LETTERED event;
 *   <li>deferred (did not run): the same attempt on {@code retry}, due when the executor allows, +
 *       RETRY_SCHEDULED event saying so.
 * </ul>
 *
 * Results carry the final attempt's resource usage; events of failed attempts name the limit that
 * stopped them.
 *
 * <p>Every event carries the worker id. The transitions of one attempt's end are ONE lifecycle
 * record (e.g. FAILED with DEAD_LETTERED after it). The STARTED event is built when the attempt
 * starts and kept back until the transaction commits ({@link #started}): an attempt that ends
 * before that has its STARTED in its end's record. An attempt that is past its deadline: EXPIRED
 * result + EXPIRED event, nothing else.
 *
 * <p>The attempt's feedback to the topology goes on {@code feedback}, in the same transaction: an
 * attempt of a job the quota gate admitted (label {@code runex.quota}) hands its tenant's slot back
 * (a {@code QuotaRelease}, key tenant), and the final result of a job a schedule fired (label
 * {@code runex.schedule}) tells the schedule its run finished (a {@code ScheduledRunFinished}, key
 * schedule name).
 */
public final class OutcomeRecords {

  private final String workerId;
  private final SchemaRegistryClient registry;
  private final Topic<String, JobResult> results;
  private final Topic<String, Job> retry;
  private final Topic<byte[], DeadLetter> deadLetter;
  private final Topic<String, JobEvent> events;
  private final Serializer<String> stringKeys;
  private final Serializer<JobResult> resultValues;
  private final Serializer<Job> retryValues;
  private final Serializer<DeadLetter> deadLetterValues;
  private final Serializer<JobEvent> eventValues;
  private final Topic<String, Feedback> feedback;
  private final Serializer<Feedback> feedbackValues;
  private final HeldStarts starts;

  public OutcomeRecords(RunexTopics topics, String workerId) {
    this.workerId = workerId;
    this.registry = topics.registry();
    this.results = topics.results();
    this.retry = topics.retry();
    this.deadLetter = topics.deadLetter();
    this.events = topics.events();
    this.stringKeys = results.keySerde().serializer();
    this.resultValues = results.valueSerde().serializer();
    this.retryValues = retry.valueSerde().serializer();
    this.deadLetterValues = deadLetter.valueSerde().serializer();
    this.eventValues = events.valueSerde().serializer();
    this.feedback = topics.feedback();
    this.feedbackValues = feedback.valueSerde().serializer();
    this.starts = new HeldStarts(this::eventRecord);
  }

  /**
   * The source of the STARTED events {@link #started} keeps back, for the worker's transaction
   * ({@link OutputTransaction#deferFrom}).
   */
  public OutputTransaction.Deferred heldStarts() {
    return starts;
  }

  /**
   * Registers (or looks up) the value schema of every topic the worker writes, as its serializers
   * would on their first record of each. Done before any job starts: the registry client keeps the
   * ids, so no job's outputs wait on the registry later — a job that ran while they could not be
   * written would have to run again. While the registry does not answer this waits for it ({@link
   * PatientSchemaRegistryClient}: logged when the wait starts, while it lasts and when it ends)
   * until {@code stopping}, when it throws the last failure.
   */
  public void registerSchemas(BooleanSupplier stopping) {
    SchemaRegistryClient patient = new PatientSchemaRegistryClient(registry, stopping);
    patient.register(
        ConfluentAvroSerializer.subject(results.name(), false), JobResult.getClassSchema());
    patient.register(ConfluentAvroSerializer.subject(retry.name(), false), Job.getClassSchema());
    patient.register(
        ConfluentAvroSerializer.subject(deadLetter.name(), false), DeadLetter.getClassSchema());
    patient.register(
        ConfluentAvroSerializer.subject(events.name(), false), JobEvent.getClassSchema());
    patient.register(
        ConfluentAvroSerializer.subject(feedback.name(), false), Feedback.getClassSchema());
  }

  /**
   * Keeps the attempt's STARTED event back ({@link OutputTransaction#hold} opens the transaction
   * for it): written with the attempt's end as one record when the attempt ends before the
   * transaction commits, or else on its own at the commit.
   */
  public void started(Job job, Instant now) {
    String detail = "attempt " + job.getAttempt() + " of " + job.getMaxAttempts();
    starts.hold(transition(job, JobEventKind.STARTED, detail, now));
  }

  /**
   * An attempt too late to start: its EXPIRED result and event ({@code type} null when unknown).
   */
  public List<ProducerRecord<byte[], byte[]>> expired(Job job, JobTypeSpec type, Instant now) {
    JobResult result =
        Deadlines.result(job, JobTypeSpec.maxQueueTimeOf(type), now.toEpochMilli(), workerId);
    return withFeedback(
        job,
        ReleaseNotice.finished(job.getId()),
        result,
        now,
        List.of(
            result(job, result),
            events(
                transition(
                    job,
                    JobEventKind.EXPIRED,
                    Deadlines.detail(job, JobTypeSpec.maxQueueTimeOf(type)),
                    now))));
  }

  /** The outputs of a finished attempt ({@code policy} null when the job type is unknown). */
  public AttemptOutputs forOutcome(
      Job job, AttemptOutcome outcome, RetryPolicy policy, SourceCoordinates source, Instant now) {
    if (outcome instanceof Succeeded s) {
      return succeeded(job, s);
    }
    if (outcome instanceof Deferred d) {
      return deferred(job, d, now);
    }
    Failed f = (Failed) outcome;
    return failed(job, f, RetryPlanner.plan(job, f.failure(), policy, now), source, now);
  }

  /**
   * The outputs of a job an operator cancelled (before it started, or while it ran, {@code
   * startedAt} then set): CANCELLED result (error code CANCELLED, not retryable) + CANCELLED event.
   * No retry and no dead letter: cancelling is not a failure.
   */
  public AttemptOutputs cancelled(
      Job job, String reason, Instant startedAt, ResourceUsage usage, Instant now) {
    JobResult result =
        Lifecycle.result(
            job,
            JobStatus.CANCELLED,
            null,
            Lifecycle.error(ReasonCode.CANCELLED.code(), reason, null, false),
            startedAt == null ? null : startedAt.toEpochMilli(),
            now.toEpochMilli(),
            workerId);
    result.setUsage(usage);
    return new AttemptOutputs(
        Kind.CANCELLED,
        null,
        withFeedback(
            job,
            ReleaseNotice.finished(job.getId()),
            result,
            now,
            List.of(
                result(job, result),
                events(transition(job, JobEventKind.CANCELLED, reason, now)))));
  }

  /** A record on the scheduled topic that is not a readable job: only a dead letter. */
  public List<ProducerRecord<byte[], byte[]>> forUndecodable(
      SourceCoordinates source, byte[] key, byte[] value, Throwable error, Instant now) {
    DeadLetter letter = DeadLetterFactory.forUndecodable(source, value, error, now);
    return List.of(
        new ProducerRecord<>(
            deadLetter.name(), key, deadLetterValues.serialize(deadLetter.name(), letter)));
  }

  private AttemptOutputs deferred(Job job, Deferred d, Instant now) {
    Job again = Job.newBuilder(job).setDueAt(d.until().isAfter(now) ? d.until() : now).build();
    String detail =
        "deferred without using an attempt: "
            + d.reason()
            + "; attempt "
            + job.getAttempt()
            + " due at "
            + again.getDueAt();
    return new AttemptOutputs(
        Kind.DEFERRED,
        null,
        withFeedback(
            job,
            ReleaseNotice.retried(again),
            null,
            now,
            List.of(
                new ProducerRecord<>(
                    retry.name(), key(job), retryValues.serialize(retry.name(), again)),
                events(transition(job, JobEventKind.RETRY_SCHEDULED, detail, now)))));
  }

  private AttemptOutputs succeeded(Job job, Succeeded s) {
    JobResult result =
        Lifecycle.result(
            job,
            JobStatus.SUCCEEDED,
            s.output(),
            null,
            s.startedAt().toEpochMilli(),
            s.finishedAt().toEpochMilli(),
            workerId);
    result.setUsage(s.usage());
    List<ProducerRecord<byte[], byte[]>> out =
        withFeedback(
            job,
            ReleaseNotice.finished(job.getId()),
            result,
            s.finishedAt(),
            List.of(
                result(job, result),
                events(transition(job, JobEventKind.SUCCEEDED, null, s.finishedAt()))));
    return new AttemptOutputs(Kind.SUCCEEDED, null, out);
  }

  private AttemptOutputs failed(
      Job job, Failed f, RetryDecision decision, SourceCoordinates source, Instant now) {
    Failure failure = f.failure();
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(4);
    if (decision instanceof Retry r) {
      Job next = r.nextAttempt();
      out.add(
          new ProducerRecord<>(retry.name(), key(job), retryValues.serialize(retry.name(), next)));
      String detail =
          failure.describe() + "; attempt " + next.getAttempt() + " due at " + next.getDueAt();
      out.add(events(transition(job, JobEventKind.RETRY_SCHEDULED, detail, now)));
      return new AttemptOutputs(
          Kind.RETRY, decision, withFeedback(job, ReleaseNotice.retried(next), null, now, out));
    }
    GiveUp g = (GiveUp) decision;
    JobResult result =
        Lifecycle.result(
            job,
            g.status(),
            null,
            g.error(),
            f.startedAt().toEpochMilli(),
            f.finishedAt().toEpochMilli(),
            workerId);
    result.setUsage(f.usage());
    DeadLetter letter = DeadLetterFactory.forJob(job, failure, source, g.firstFailureAt(), now);
    boolean timedOut = g.status() == JobStatus.TIMED_OUT;
    out.add(result(job, result));
    out.add(
        new ProducerRecord<>(
            deadLetter.name(),
            job.getId().getBytes(StandardCharsets.UTF_8),
            deadLetterValues.serialize(deadLetter.name(), letter)));
    out.add(
        events(
            transition(
                job,
                timedOut ? JobEventKind.TIMED_OUT : JobEventKind.FAILED,
                failure.describe(),
                now),
            transition(job, JobEventKind.DEAD_LETTERED, deadLetter.name(), now)));
    return new AttemptOutputs(
        timedOut ? Kind.TIMED_OUT : Kind.FAILED,
        decision,
        withFeedback(job, ReleaseNotice.finished(job.getId()), result, now, out));
  }

  /**
   * {@code out}, plus the attempt's feedback on {@code feedback}, so it commits with the attempt's
   * result or retry: for a job the quota gate admitted, the notice that hands its slot back (key
   * tenant); for the final result ({@code result}, null for a retry) of a job a schedule fired, the
   * news that the schedule's run finished (key schedule name).
   */
  private List<ProducerRecord<byte[], byte[]>> withFeedback(
      Job job,
      ReleaseNotice notice,
      JobResult result,
      Instant now,
      List<ProducerRecord<byte[], byte[]>> out) {
    Feedback release =
        ReleaseNotice.admitted(job.getLabels())
            ? notice.toFeedback(job.getTenant(), now.toEpochMilli())
            : null;
    Feedback finished =
        result == null ? null : FeedbackRecords.runFinished(result, now.toEpochMilli());
    if (release == null && finished == null) {
      return out;
    }
    List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(out.size() + 2);
    all.addAll(out);
    for (Feedback f : new Feedback[] {release, finished}) {
      if (f != null) {
        all.add(
            new ProducerRecord<>(
                feedback.name(),
                stringKeys.serialize(feedback.name(), FeedbackRecords.key(f)),
                feedbackValues.serialize(feedback.name(), f)));
      }
    }
    return all;
  }

  private ProducerRecord<byte[], byte[]> result(Job job, JobResult result) {
    return new ProducerRecord<>(
        results.name(), key(job), resultValues.serialize(results.name(), result));
  }

  private JobEvent transition(Job job, JobEventKind kind, String detail, Instant at) {
    return Lifecycle.event(job, kind, Lifecycle.EXECUTION, workerId, detail, at.toEpochMilli());
  }

  /**
   * The one lifecycle record of an attempt's end ({@code end}: its transitions, in order), with the
   * attempt's STARTED before them when that is still held, i.e. in this transaction.
   */
  private ProducerRecord<byte[], byte[]> events(JobEvent... end) {
    return eventRecord(Lifecycle.merge(starts.withStart(List.of(end))));
  }

  private ProducerRecord<byte[], byte[]> eventRecord(JobEvent e) {
    return new ProducerRecord<>(
        events.name(),
        stringKeys.serialize(events.name(), e.getJobId()),
        eventValues.serialize(events.name(), e));
  }

  private byte[] key(Job job) {
    return stringKeys.serialize(results.name(), job.getId());
  }
}

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
 * <p>Threads: an attempt's outputs are built and encoded by {@link #prepare} on the thread that
 * ended it, so the poll loop, whose one thread would otherwise cap the worker, does not; {@link
 * #take} takes the held STARTED in where they are sent. The rest (starts, cancels, expiries and the
 * STARTED records written alone at a commit) runs on the poll loop.
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
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(3);
    out.add(result(job, result));
    out.add(
        lifecycleRecord(
            starts.take(job.getId()), // none: it never started
            List.of(
                transition(
                    job,
                    JobEventKind.EXPIRED,
                    Deadlines.detail(job, JobTypeSpec.maxQueueTimeOf(type)),
                    now))));
    out.addAll(feedback(job, ReleaseNotice.finished(job.getId()), result, now));
    return out;
  }

  /**
   * The outputs of a finished attempt ({@code policy} null when the job type is unknown), with the
   * attempt's STARTED in its lifecycle record when that is still held. Poll-loop thread: {@link
   * #prepare} then {@link #take}.
   */
  public AttemptOutputs forOutcome(
      Job job, AttemptOutcome outcome, RetryPolicy policy, SourceCoordinates source, Instant now) {
    return take(prepare(job, outcome, policy, source, now));
  }

  /**
   * The outputs of a finished attempt, built and encoded on the calling thread (any thread: it
   * reads only the configuration, the held STARTED and the thread-safe serializers) but not yet
   * sent; {@link #take} finishes them where they are sent.
   */
  public PreparedOutputs prepare(
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
   * The records to send for {@code prepared}, taking the job's held STARTED in (it is then no
   * longer held, and its end's lifecycle record carries it). The lifecycle record {@code prepared}
   * encoded is used when it carries exactly the STARTED held now; otherwise (a commit wrote the
   * STARTED on its own since it was prepared) it is encoded again here. Call it where the records
   * are sent: on the poll loop, or on an attempt's thread inside {@link
   * OutputTransaction#trySendFromAttempt}, where no commit can release the STARTED meanwhile.
   */
  public AttemptOutputs take(PreparedOutputs prepared) {
    JobEvent start = starts.take(prepared.jobId());
    ProducerRecord<byte[], byte[]> event =
        start == prepared.start() ? prepared.event() : lifecycleRecord(start, prepared.end());
    List<ProducerRecord<byte[], byte[]>> records =
        new ArrayList<>(prepared.before().size() + 1 + prepared.after().size());
    records.addAll(prepared.before());
    records.add(event);
    records.addAll(prepared.after());
    return new AttemptOutputs(prepared.kind(), prepared.decision(), records);
  }

  /**
   * The outputs of a job an operator cancelled (before it started, or while it ran, {@code
   * startedAt} then set): CANCELLED result (error code CANCELLED, not retryable) + CANCELLED event.
   * No retry and no dead letter: cancelling is not a failure. Poll-loop thread.
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
    return take(
        prepared(
            Kind.CANCELLED,
            null,
            job,
            List.of(result(job, result)),
            List.of(transition(job, JobEventKind.CANCELLED, reason, now)),
            feedback(job, ReleaseNotice.finished(job.getId()), result, now)));
  }

  /** A record on the scheduled topic that is not a readable job: only a dead letter. */
  public List<ProducerRecord<byte[], byte[]>> forUndecodable(
      SourceCoordinates source, byte[] key, byte[] value, Throwable error, Instant now) {
    DeadLetter letter = DeadLetterFactory.forUndecodable(source, value, error, now);
    return List.of(
        new ProducerRecord<>(
            deadLetter.name(), key, deadLetterValues.serialize(deadLetter.name(), letter)));
  }

  private PreparedOutputs deferred(Job job, Deferred d, Instant now) {
    Job again = Job.newBuilder(job).setDueAt(d.until().isAfter(now) ? d.until() : now).build();
    String detail =
        "deferred without using an attempt: "
            + d.reason()
            + "; attempt "
            + job.getAttempt()
            + " due at "
            + again.getDueAt();
    return prepared(
        Kind.DEFERRED,
        null,
        job,
        List.of(
            new ProducerRecord<>(
                retry.name(), key(job), retryValues.serialize(retry.name(), again))),
        List.of(transition(job, JobEventKind.RETRY_SCHEDULED, detail, now)),
        feedback(job, ReleaseNotice.retried(again), null, now));
  }

  private PreparedOutputs succeeded(Job job, Succeeded s) {
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
    return prepared(
        Kind.SUCCEEDED,
        null,
        job,
        List.of(result(job, result)),
        List.of(transition(job, JobEventKind.SUCCEEDED, null, s.finishedAt())),
        feedback(job, ReleaseNotice.finished(job.getId()), result, s.finishedAt()));
  }

  private PreparedOutputs failed(
      Job job, Failed f, RetryDecision decision, SourceCoordinates source, Instant now) {
    Failure failure = f.failure();
    if (decision instanceof Retry r) {
      Job next = r.nextAttempt();
      String detail =
          failure.describe() + "; attempt " + next.getAttempt() + " due at " + next.getDueAt();
      return prepared(
          Kind.RETRY,
          decision,
          job,
          List.of(
              new ProducerRecord<>(
                  retry.name(), key(job), retryValues.serialize(retry.name(), next))),
          List.of(transition(job, JobEventKind.RETRY_SCHEDULED, detail, now)),
          feedback(job, ReleaseNotice.retried(next), null, now));
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
    return prepared(
        timedOut ? Kind.TIMED_OUT : Kind.FAILED,
        decision,
        job,
        List.of(
            result(job, result),
            new ProducerRecord<>(
                deadLetter.name(),
                job.getId().getBytes(StandardCharsets.UTF_8),
                deadLetterValues.serialize(deadLetter.name(), letter))),
        List.of(
            transition(
                job,
                timedOut ? JobEventKind.TIMED_OUT : JobEventKind.FAILED,
                failure.describe(),
                now),
            transition(job, JobEventKind.DEAD_LETTERED, deadLetter.name(), now)),
        feedback(job, ReleaseNotice.finished(job.getId()), result, now));
  }

  /**
   * Outputs with their lifecycle record (the transitions {@code end}) encoded for the job's STARTED
   * held now, if any.
   */
  private PreparedOutputs prepared(
      Kind kind,
      RetryDecision decision,
      Job job,
      List<ProducerRecord<byte[], byte[]>> before,
      List<JobEvent> end,
      List<ProducerRecord<byte[], byte[]>> after) {
    JobEvent start = starts.peek(job.getId());
    return new PreparedOutputs(
        kind, decision, job.getId(), before, end, after, start, lifecycleRecord(start, end));
  }

  /**
   * The attempt's feedback on {@code feedback}, sent with the attempt's result or retry so they
   * commit together: for a job the quota gate admitted, the notice that hands its slot back (key
   * tenant); for the final result ({@code result}, null for a retry) of a job a schedule fired, the
   * news that the schedule's run finished (key schedule name).
   */
  private List<ProducerRecord<byte[], byte[]>> feedback(
      Job job, ReleaseNotice notice, JobResult result, Instant now) {
    Feedback release =
        ReleaseNotice.admitted(job.getLabels())
            ? notice.toFeedback(job.getTenant(), now.toEpochMilli())
            : null;
    Feedback finished =
        result == null ? null : FeedbackRecords.runFinished(result, now.toEpochMilli());
    if (release == null && finished == null) {
      return List.of();
    }
    List<ProducerRecord<byte[], byte[]>> all = new ArrayList<>(2);
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
   * attempt's STARTED before them when {@code start} is not null.
   */
  private ProducerRecord<byte[], byte[]> lifecycleRecord(JobEvent start, List<JobEvent> end) {
    return eventRecord(Lifecycle.merge(HeldStarts.withStart(start, end)));
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

package dev.runex.workers.internal.output;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.attempt;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.runex.config.RetryPolicy;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.Feedback;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.QuotaRelease;
import dev.runex.schemas.ResourceUsage;
import dev.runex.schemas.ScheduledRunFinished;
import dev.runex.schemas.feedback.FeedbackRecords;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.internal.deadletter.SourceCoordinates;
import dev.runex.workers.internal.execution.AttemptOutcome.Deferred;
import dev.runex.workers.internal.execution.AttemptOutcome.Failed;
import dev.runex.workers.internal.execution.AttemptOutcome.Succeeded;
import dev.runex.workers.internal.execution.Failure;
import dev.runex.workers.internal.execution.FailureClassifier;
import dev.runex.workers.testing.TestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class OutcomeRecordsTest {
  private static final SourceCoordinates SOURCE =
      new SourceCoordinates("runex.scheduled.default", 0, 7);
  private static final Instant STARTED = T0.plusSeconds(1);
  private static final Instant FINISHED = T0.plusSeconds(2);
  private final RunexConfig cfg = TestConfig.config(Map.of());
  private final RunexTopics topics = TestConfig.topics(cfg);
  private final OutcomeRecords records = new OutcomeRecords(topics, "worker-1");

  @Test
  void successProducesASucceededResultAndEvent() {
    Job job = job("j1", "echo", Map.of());

    AttemptOutputs out =
        records.forOutcome(job, new Succeeded("{}", STARTED, FINISHED), policy(), SOURCE, FINISHED);

    assertThat(out.kind()).isEqualTo(AttemptOutputs.Kind.SUCCEEDED);
    assertThat(out.records())
        .extracting(ProducerRecord::topic)
        .containsExactly("runex.results", "runex.events");
    JobResult result = result(out.records().get(0));
    assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(result.getOutput()).isEqualTo("{}");
    assertThat(result.getStartedAt()).isEqualTo(STARTED);
    assertThat(result.getFinishedAt()).isEqualTo(FINISHED);
    assertThat(result.getWorkerId()).isEqualTo("worker-1");
    assertThat(new String(out.records().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("j1");
    assertThat(event(out.records().get(1)).getKind()).isEqualTo(JobEventKind.SUCCEEDED);
  }

  @Test
  void theStartedAndFinishedEventsCarryTheJobsPriority() {
    Job high = job("j1", "echo", Map.of());
    high.setPriority(JobPriority.HIGH);
    Job plain = job("j2", "echo", Map.of());

    JobEvent started = startedAlone(high);
    AttemptOutputs done =
        records.forOutcome(
            high, new Succeeded("{}", STARTED, FINISHED), policy(), SOURCE, FINISHED);

    assertThat(started.getPriority()).isEqualTo(JobPriority.HIGH);
    assertThat(event(done.records().get(1)).getPriority()).isEqualTo(JobPriority.HIGH);
    assertThat(startedAlone(plain).getPriority()).isNull(); // normal
  }

  @Test
  void retryableFailureProducesTheNextAttemptAndARetryScheduledEvent() {
    Job job = job("j1", "fail", Map.of());
    Failed failed =
        new Failed(FailureClassifier.classify(new IOException("boom")), STARTED, FINISHED);

    AttemptOutputs out = records.forOutcome(job, failed, policy(), SOURCE, FINISHED);

    assertThat(out.kind()).isEqualTo(AttemptOutputs.Kind.RETRY);
    assertThat(out.records())
        .extracting(ProducerRecord::topic)
        .containsExactly("runex.retry", "runex.events");
    Job next =
        topics
            .retry()
            .valueSerde()
            .deserializer()
            .deserialize("runex.retry", out.records().get(0).value());
    assertThat(next.getAttempt()).isEqualTo(2);
    assertThat(next.getLastError().getMessage()).isEqualTo("boom");
    JobEvent event = event(out.records().get(1));
    assertThat(event.getKind()).isEqualTo(JobEventKind.RETRY_SCHEDULED);
    assertThat(event.getDetail()).contains("HANDLER_ERROR: boom", "attempt 2");
  }

  @Test
  void exhaustedFailureProducesResultDeadLetterAndTwoEvents() {
    Job job = attempt(job("j1", "fail", Map.of()), 3);
    Failed failed =
        new Failed(FailureClassifier.classify(new IOException("boom")), STARTED, FINISHED);

    AttemptOutputs out = records.forOutcome(job, failed, policy(), SOURCE, FINISHED);

    assertThat(out.kind()).isEqualTo(AttemptOutputs.Kind.FAILED);
    assertThat(out.records())
        .extracting(ProducerRecord::topic)
        .containsExactly("runex.results", "runex.dead-letter", "runex.events");
    assertThat(result(out.records().get(0)).getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(result(out.records().get(0)).getAttempts()).isEqualTo(3);
    DeadLetter letter =
        topics
            .deadLetter()
            .valueSerde()
            .deserializer()
            .deserialize("runex.dead-letter", out.records().get(1).value());
    assertThat(letter.getSourceOffset()).isEqualTo(7);
    assertThat(new String(out.records().get(1).key(), StandardCharsets.UTF_8)).isEqualTo("j1");
    JobEvent events = event(out.records().get(2));
    assertThat(events.getKind())
        .as("the state, for readers of the record alone")
        .isEqualTo(JobEventKind.FAILED);
    assertThat(Lifecycle.transitions(events))
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.FAILED, JobEventKind.DEAD_LETTERED);
  }

  @Test
  void lastAttemptTimingOutEndsTimedOut() {
    Job job = attempt(job("j1", "sleep", Map.of()), 3);
    Failed failed = new Failed(FailureClassifier.timeout(Duration.ofSeconds(1)), STARTED, FINISHED);

    AttemptOutputs out = records.forOutcome(job, failed, policy(), SOURCE, FINISHED);

    assertThat(out.kind()).isEqualTo(AttemptOutputs.Kind.TIMED_OUT);
    assertThat(result(out.records().get(0)).getStatus()).isEqualTo(JobStatus.TIMED_OUT);
    assertThat(event(out.records().get(2)).getKind()).isEqualTo(JobEventKind.TIMED_OUT);
  }

  @Test
  void everyEventCarriesTheWorkerIdAndExecutionStage() {
    JobEvent started = startedAlone(job("j1", "echo", Map.of()));

    assertThat(started.getKind()).isEqualTo(JobEventKind.STARTED);
    assertThat(started.getWorkerId()).isEqualTo("worker-1");
    assertThat(started.getStage()).isEqualTo("execution");
    assertThat(started.getTime()).isEqualTo(STARTED);
  }

  @Test
  void resultsCarryTheAttemptsResourceUsage() {
    ResourceUsage usage =
        ResourceUsage.newBuilder()
            .setWallMs(1000)
            .setCpuMs(900L)
            .setPeakMemoryBytes(64L << 20)
            .setLimit("MEMORY_LIMIT")
            .setExitCode(1)
            .setIsolation("bubblewrap")
            .build();
    Failed failed =
        new Failed(
            new Failure("MEMORY_LIMIT", "stopped", false, false, null), STARTED, FINISHED, usage);

    AttemptOutputs out =
        records.forOutcome(job("j1", "echo", Map.of()), failed, policy(), SOURCE, FINISHED);

    assertThat(result(out.records().get(0)).getUsage()).isEqualTo(usage);
    assertThat(event(out.records().get(2)).getDetail()).startsWith("MEMORY_LIMIT");
  }

  @Test
  void aDeferredAttemptGoesBackUnchangedDueLaterWithoutAResult() {
    Job job = attempt(job("j1", "echo", Map.of()), 2);
    Instant until = FINISHED.plusSeconds(30);

    AttemptOutputs out =
        records.forOutcome(
            job,
            new Deferred("circuit breaker open", until, STARTED, FINISHED),
            policy(),
            SOURCE,
            FINISHED);

    assertThat(out.kind()).isEqualTo(AttemptOutputs.Kind.DEFERRED);
    assertThat(out.records())
        .extracting(ProducerRecord::topic)
        .containsExactly("runex.retry", "runex.events");
    Job again =
        topics
            .retry()
            .valueSerde()
            .deserializer()
            .deserialize("runex.retry", out.records().get(0).value());
    assertThat(again.getAttempt()).isEqualTo(2);
    assertThat(again.getDueAt()).isEqualTo(until);
    assertThat(event(out.records().get(1)).getDetail())
        .contains("deferred without using an attempt", "circuit breaker open");
  }

  @Test
  void everyEndOfAnAttemptTheQuotaGateAdmittedHandsTheTenantsSlotBackInTheSameRecords() {
    Job admitted =
        Job.newBuilder(job("q1", "fail", Map.of()))
            .setLabels(Map.of(ReleaseNotice.ADMITTED_LABEL, ReleaseNotice.ADMITTED))
            .build();
    Failed failed =
        new Failed(FailureClassifier.classify(new IOException("boom")), STARTED, FINISHED);

    List<ProducerRecord<byte[], byte[]>> succeeded =
        records
            .forOutcome(
                admitted, new Succeeded("{}", STARTED, FINISHED), policy(), SOURCE, FINISHED)
            .records();
    List<ProducerRecord<byte[], byte[]>> retried =
        records.forOutcome(admitted, failed, policy(), SOURCE, FINISHED).records();
    List<ProducerRecord<byte[], byte[]>> gaveUp =
        records.forOutcome(attempt(admitted, 3), failed, policy(), SOURCE, FINISHED).records();
    List<ProducerRecord<byte[], byte[]>> deferred =
        records
            .forOutcome(
                admitted,
                new Deferred("circuit breaker open", FINISHED.plusSeconds(5), STARTED, FINISHED),
                policy(),
                SOURCE,
                FINISHED)
            .records();
    List<ProducerRecord<byte[], byte[]>> cancelled =
        records.cancelled(admitted, "ops", null, null, FINISHED).records();
    List<ProducerRecord<byte[], byte[]>> expired = records.expired(admitted, null, FINISHED);

    for (List<ProducerRecord<byte[], byte[]>> out :
        List.of(succeeded, gaveUp, cancelled, expired)) {
      assertThat(release(out)).isEqualTo(ReleaseNotice.finished("q1"));
    }
    Job next =
        topics
            .retry()
            .valueSerde()
            .deserializer()
            .deserialize("runex.retry", retried.get(0).value());
    assertThat(release(retried)).isEqualTo(ReleaseNotice.retried(next));
    Job again =
        topics
            .retry()
            .valueSerde()
            .deserializer()
            .deserialize("runex.retry", deferred.get(0).value());
    assertThat(release(deferred)).isEqualTo(ReleaseNotice.retried(again));
    assertThat(ReleaseNotice.token(again)).isNotEqualTo(ReleaseNotice.token(admitted));
    // a job the gate never saw hands nothing back
    assertThat(
            records
                .forOutcome(
                    job("j1", "echo", Map.of()),
                    new Succeeded("{}", STARTED, FINISHED),
                    policy(),
                    SOURCE,
                    FINISHED)
                .records())
        .extracting(ProducerRecord::topic)
        .doesNotContain("runex.feedback");
  }

  @Test
  void theFinalResultOfAScheduledJobTellsItsScheduleOnFeedbackInTheSameRecords() {
    Job scheduled =
        Job.newBuilder(job("nightly@2026-03-01T00:00:00Z", "fail", Map.of()))
            .setLabels(
                Map.of(
                    FeedbackRecords.SCHEDULE_LABEL,
                    "nightly",
                    ReleaseNotice.ADMITTED_LABEL,
                    ReleaseNotice.ADMITTED))
            .build();
    Failed failed =
        new Failed(FailureClassifier.classify(new IOException("boom")), STARTED, FINISHED);

    List<ProducerRecord<byte[], byte[]>> succeeded =
        records
            .forOutcome(
                scheduled, new Succeeded("{}", STARTED, FINISHED), policy(), SOURCE, FINISHED)
            .records();
    List<ProducerRecord<byte[], byte[]>> retried =
        records.forOutcome(scheduled, failed, policy(), SOURCE, FINISHED).records();
    List<ProducerRecord<byte[], byte[]>> gaveUp =
        records.forOutcome(attempt(scheduled, 3), failed, policy(), SOURCE, FINISHED).records();
    List<ProducerRecord<byte[], byte[]>> cancelled =
        records.cancelled(scheduled, "ops", null, null, FINISHED).records();
    List<ProducerRecord<byte[], byte[]>> expired = records.expired(scheduled, null, FINISHED);

    assertThat(runFinished(succeeded).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(runFinished(gaveUp).getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(runFinished(cancelled).getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(runFinished(expired).getStatus()).isEqualTo(JobStatus.EXPIRED);
    // a retry is not the end of the run; it still hands the quota slot back
    assertThat(feedback(retried, "nightly")).isEmpty();
    assertThat(release(retried).isFinal()).isFalse();
    assertThat(release(succeeded)).isEqualTo(ReleaseNotice.finished(scheduled.getId()));
  }

  /** The one quota release on {@code feedback} in {@code out} (key: the tenant). */
  private ReleaseNotice release(List<ProducerRecord<byte[], byte[]>> out) {
    List<Feedback> releases = feedback(out, "demo");
    assertThat(releases).hasSize(1);
    assertThat(releases.get(0).getBody()).isInstanceOf(QuotaRelease.class);
    return ReleaseNotice.of(releases.get(0), (QuotaRelease) releases.get(0).getBody());
  }

  /** The one finished scheduled run on {@code feedback} in {@code out} (key: the schedule). */
  private ScheduledRunFinished runFinished(List<ProducerRecord<byte[], byte[]>> out) {
    List<Feedback> finished = feedback(out, "nightly");
    assertThat(finished).hasSize(1);
    assertThat(finished.get(0).getJobId()).isEqualTo("nightly@2026-03-01T00:00:00Z");
    return (ScheduledRunFinished) finished.get(0).getBody();
  }

  /** The {@code feedback} records of {@code out} with this key. */
  private List<Feedback> feedback(List<ProducerRecord<byte[], byte[]>> out, String key) {
    return out.stream()
        .filter(r -> r.topic().equals("runex.feedback"))
        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key))
        .map(r -> topics.feedback().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private RetryPolicy policy() {
    return cfg.jobType("fail").retry();
  }

  private JobResult result(ProducerRecord<byte[], byte[]> r) {
    return topics.results().valueSerde().deserializer().deserialize(r.topic(), r.value());
  }

  @Test
  void anAttemptThatEndsInTheTransactionThatStartedItWritesOneRecord() {
    // given: a STARTED kept back for the commit
    Job job = job("j1", "echo", Map.of());
    records.started(job, STARTED);

    // when: the attempt ends before the commit
    AttemptOutputs out =
        records.forOutcome(job, new Succeeded("{}", STARTED, FINISHED), policy(), SOURCE, FINISHED);

    // then: one record with both transitions, and nothing left for the commit
    List<ProducerRecord<byte[], byte[]>> events =
        out.records().stream().filter(r -> r.topic().equals("runex.events")).toList();
    assertThat(events).hasSize(1);
    JobEvent record = event(events.get(0));
    assertThat(record.getKind()).isEqualTo(JobEventKind.SUCCEEDED);
    assertThat(Lifecycle.transitions(record))
        .extracting(JobEvent::getKind, JobEvent::getTime, JobEvent::getDetail)
        .containsExactly(
            tuple(JobEventKind.STARTED, STARTED, "attempt 1 of 3"),
            tuple(JobEventKind.SUCCEEDED, FINISHED, null));
    assertThat(records.heldStarts().release()).isEmpty();
  }

  @Test
  void aStartedThatTheCommitReachesFirstIsWrittenAloneAndTheEndAfterIt() {
    // given
    Job job = job("j1", "echo", Map.of());
    records.started(job, STARTED);

    // when: the transaction commits while the attempt runs
    List<ProducerRecord<byte[], byte[]>> atCommit = records.heldStarts().release();
    AttemptOutputs out =
        records.forOutcome(job, new Succeeded("{}", STARTED, FINISHED), policy(), SOURCE, FINISHED);

    // then
    assertThat(atCommit)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("j1");
              assertThat(Lifecycle.transitions(event(r)))
                  .extracting(JobEvent::getKind)
                  .containsExactly(JobEventKind.STARTED);
            });
    assertThat(Lifecycle.transitions(event(out.records().get(1))))
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.SUCCEEDED);
  }

  @Test
  void anAbortForgetsTheStartedItKeptBack() {
    records.started(job("j1", "echo", Map.of()), STARTED);

    records.heldStarts().discard();

    assertThat(records.heldStarts().release()).isEmpty();
  }

  /** The STARTED event of {@code job}, as the commit writes it when the attempt still runs. */
  private JobEvent startedAlone(Job job) {
    records.started(job, STARTED);
    List<ProducerRecord<byte[], byte[]>> held = records.heldStarts().release();
    assertThat(held).hasSize(1);
    return event(held.get(0));
  }

  private JobEvent event(ProducerRecord<byte[], byte[]> r) {
    return topics.events().valueSerde().deserializer().deserialize(r.topic(), r.value());
  }
}

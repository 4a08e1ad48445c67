package dev.runex.workers;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.attempt;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RetryPolicy;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.internal.offsets.CompletedOffsetsCodec;
import dev.runex.workers.internal.output.FatalTransactionException;
import dev.runex.workers.testing.HandClock;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poll loop end to end against Kafka's mock clients (the real-broker tests live in the
 * launcher).
 */
class JobWorkerTest {
  private static final String SCHEDULED = "runex.scheduled.default";
  private static final String RESULTS = "runex.results";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final OrderProbe probe = new OrderProbe();
  private final Gate gate = new Gate();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RunexConfig cfg;
  private RunexTopics topics;
  private FakeKafka kafka;
  private JobWorker worker;

  @BeforeEach
  void setUp() {
    cfg = config(Map.of());
    topics = TestConfig.topics(cfg);
    kafka = new FakeKafka(topics, SCHEDULED, 3);
  }

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void producesOneResultPerJobAndCommitsOffsetsPastThem() {
    startWorker();
    for (int i = 0; i < 30; i++) {
      kafka.append(i % 3, job("j" + i, "echo", Map.of("n", (long) i)));
    }

    await().atMost(WAIT).until(() -> results().size() == 30);
    await()
        .atMost(WAIT)
        .until(
            () -> committedOffset(0) == 10 && committedOffset(1) == 10 && committedOffset(2) == 10);

    assertThat(results().values())
        .allSatisfy(
            r -> {
              assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
              assertThat(r.getWorkerId()).isEqualTo("w1");
            });
    assertThat(results().get("j7").getOutput()).isEqualTo("{\"n\":7}");
    assertThat(eventKinds("j7")).containsExactly(JobEventKind.STARTED, JobEventKind.SUCCEEDED);
    assertThat(
            meters
                .get("runex.job.completed")
                .tags("type", "echo", "outcome", "succeeded")
                .counter()
                .count())
        .isEqualTo(30);
    assertThat(meters.get("runex.worker.commit").timer().count()).isPositive();
  }

  @Test
  void aJobFinishedWithNothingElseAtHandCommitsAfterTheMinimumGapNotTheInterval() {
    // given: commits every hour at the latest, at least 10 ms apart, and a clock standing still
    cfg = config(Map.of("runex.worker.commitInterval", "1h", "runex.worker.minCommitGap", "10ms"));
    HandClock clock = new HandClock(Instant.parse("2026-11-26T05:00:00Z"));
    startWorker(clock);

    // when: one job runs while nothing else is fetched
    kafka.append(0, job("alone", "echo", Map.of()));

    // then: its result waits in the open transaction while the gap has not passed
    await().atMost(WAIT).until(() -> uncommittedResults() == 1);
    assertThat(committedResultIds()).isEmpty();

    // and commits once it has, an hour before the interval
    clock.advance(Duration.ofMillis(10));
    await().atMost(WAIT).until(() -> committedResultIds().contains("alone"));
    assertThat(committedOffset(0)).isEqualTo(1);
  }

  @Test
  void aJobFetchedBeforeItIsDueStartsAtItsDueTimeNotBeforeAndHoldsNoOneBack() {
    // given: a clock standing still at T0; on partition 0 a job of key x due in 5 s, then one of
    // key x due now; on partition 1 a job of key y due in 2 s
    HandClock clock = new HandClock(T0);
    startWorker(clock);
    kafka.append(0, dueAt(keyed("x-later", "probe", "x", Map.of("seq", 2L)), T0.plusSeconds(5)));
    kafka.append(0, keyed("x-now", "probe", "x", Map.of("seq", 1L)));
    kafka.append(1, dueAt(keyed("y-later", "probe", "y", Map.of("seq", 1L)), T0.plusSeconds(2)));

    // then: the job due now runs, although a job of its key fetched before it is not due
    await().atMost(WAIT).until(() -> probe.order.getOrDefault("x", List.of()).equals(List.of(1L)));
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> probe.order.keySet().equals(Set.of("x")) && probe.order.get("x").size() == 1);
    await().atMost(WAIT).until(() -> meters.get("runex.worker.parked").gauge().value() == 2);
    // x-later came 5 s ahead, more than the lead (1 s) and its tolerance (1 s): counted as a sign
    // of a clock behind the topology's; y-later, 2 s ahead, is within them
    assertThat(meters.get("runex.worker.early.arrivals").counter().count()).isEqualTo(1);

    // when: y-later is due
    clock.advance(Duration.ofSeconds(2));
    await().atMost(WAIT).until(() -> probe.order.containsKey("y"));
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> probe.order.get("x").equals(List.of(1L)));

    // when: x-later is due
    clock.advance(Duration.ofSeconds(3));
    await().atMost(WAIT).until(() -> probe.order.get("x").equals(List.of(1L, 2L)));
    await().atMost(WAIT).until(() -> meters.get("runex.worker.parked").gauge().value() == 0);
    clock.advance(Duration.ofSeconds(1)); // the commit's minimum gap, on this clock
    await().atMost(WAIT).until(() -> committedOffset(0) == 2 && committedOffset(1) == 1);

    // then: each started at its due time, by the worker's clock
    assertThat(results().get("x-now").getStartedAt()).isEqualTo(T0);
    assertThat(results().get("y-later").getStartedAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(results().get("x-later").getStartedAt()).isEqualTo(T0.plusSeconds(5));
    // and the time a job waited in the worker counts from its due time, not its fetch (the
    // waiting above took at least 300 ms of real time; due → start took none on this clock)
    assertThat(
            meters
                .get("runex.job.start.delay")
                .tags("type", "probe")
                .timer()
                .max(TimeUnit.MILLISECONDS))
        .isLessThan(300);
  }

  @Test
  void aWorkerWhoseCommittedOffsetsTimeOutAtAssignmentAsksAgainInsteadOfStopping() {
    // as behind a transaction that still holds the group's offsets after a broker restart
    kafka.consumer.committedTimeouts = WorkerTransactions.COMMITTED_ATTEMPTS - 1;
    startWorker();
    for (int i = 0; i < 6; i++) {
      kafka.append(i % 3, job("late" + i, "echo", Map.of("n", (long) i)));
    }

    await().atMost(WAIT).until(() -> results().size() == 6);
    assertThat(kafka.consumer.committedTimeouts).isZero();
    assertThat(results().values())
        .extracting(JobResult::getStatus)
        .containsOnly(JobStatus.SUCCEEDED);
  }

  @Test
  void runsJobsWithTheSameKeyInOrderAndDifferentKeysConcurrently() {
    startWorker();
    for (int seq = 1; seq <= 15; seq++) {
      for (String key : List.of("a", "b", "c")) {
        kafka.append(0, keyed(key + seq, "probe", key, Map.of("seq", (long) seq)));
      }
    }

    await().atMost(WAIT).until(() -> results().size() == 45);

    assertThat(results().values())
        .extracting(JobResult::getStatus)
        .containsOnly(JobStatus.SUCCEEDED);
    assertThat(probe.overlap).as("two jobs of one key ran at once").isFalse();
    for (String key : List.of("a", "b", "c")) {
      assertThat(probe.order.get(key))
          .as("order of key %s", key)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
    }
  }

  @Test
  void skipsJobsWhoseResultsWereCommittedAboveTheCommitPoint() {
    // given a previous worker committed offset 0 of partition 0 with offsets 1 and 2 finished above
    // it
    for (int i = 0; i < 5; i++) {
      kafka.append(0, job("j" + i, "echo", Map.of()));
    }
    kafka.committedOffsets.put(
        new TopicPartition(SCHEDULED, 0),
        new OffsetAndMetadata(0, CompletedOffsetsCodec.encode(0, 1L, 2L)));

    // when a new worker takes the partition over
    startWorker();

    // then it runs only the unfinished jobs, and commits past everything
    await().atMost(WAIT).until(() -> committedOffset(0) == 5);
    assertThat(results().keySet()).containsExactlyInAnyOrder("j0", "j3", "j4");
  }

  @Test
  void abortedCommitRerunsItsJobsWithoutProducingAnyResultTwice() {
    kafka.producer.commitsToFail = 2;
    startWorker();
    for (int i = 0; i < 12; i++) {
      kafka.append(i % 3, job("j" + i, "echo", Map.of()));
    }

    await()
        .atMost(WAIT)
        .until(
            () ->
                results().size() == 12
                    && committedOffset(0) == 4
                    && committedOffset(1) == 4
                    && committedOffset(2) == 4);

    assertThat(resultRecords()).hasSize(12);
    assertThat(kafka.producer.commitsToFail).isZero();
  }

  @Test
  void retryableFailureGoesToTheRetryTopicAndTheLastAttemptIsDeadLettered() {
    startWorker();
    Job first = job("first", "fail", Map.of());
    Job last = attempt(job("last", "fail", Map.of("message", "still broken")), 3);
    kafka.append(0, first);
    long lastOffset = kafka.append(1, last);

    await()
        .atMost(WAIT)
        .until(() -> results().containsKey("last") && !records("runex.retry").isEmpty());

    Job retry =
        topics
            .retry()
            .valueSerde()
            .deserializer()
            .deserialize("runex.retry", records("runex.retry").get(0).value());
    assertThat(retry.getId()).isEqualTo("first");
    assertThat(retry.getAttempt()).isEqualTo(2);
    assertThat(results()).doesNotContainKey("first");
    assertThat(results().get("last").getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(results().get("last").getError().getMessage()).isEqualTo("still broken");
    DeadLetter letter = deadLetters().get(0);
    assertThat(letter.getJobId()).isEqualTo("last");
    assertThat(letter.getSourcePartition()).isEqualTo(1);
    assertThat(letter.getSourceOffset()).isEqualTo(lastOffset);
    assertThat(eventKinds("first"))
        .containsExactly(JobEventKind.STARTED, JobEventKind.RETRY_SCHEDULED);
    assertThat(eventKinds("last"))
        .containsExactly(JobEventKind.STARTED, JobEventKind.FAILED, JobEventKind.DEAD_LETTERED);
  }

  @Test
  void timedOutAttemptIsRetriedWithATimeoutError() {
    startWorker();
    kafka.append(
        0, Job.newBuilder(job("slow", "sleep", Map.of("ms", 60_000L))).setTimeoutMs(100).build());

    await().atMost(WAIT).until(() -> !records("runex.retry").isEmpty());

    Job retry =
        topics
            .retry()
            .valueSerde()
            .deserializer()
            .deserialize("runex.retry", records("runex.retry").get(0).value());
    assertThat(retry.getLastError().getCode()).isEqualTo("TIMEOUT");
  }

  @Test
  void unknownTypesAndUnreadableRecordsAreDeadLetteredAndTheWorkerGoesOn() {
    startWorker();
    kafka.append(0, job("mystery", "no-such-type", Map.of()));
    kafka.appendRaw(0, "junk", "not avro at all".getBytes(StandardCharsets.UTF_8));
    kafka.append(0, job("after", "echo", Map.of()));

    await().atMost(WAIT).until(() -> results().containsKey("after") && committedOffset(0) == 3);

    assertThat(results().get("mystery").getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(results().get("mystery").getError().getCode()).isEqualTo("UNKNOWN_TYPE");
    assertThat(deadLetters())
        .extracting(d -> d.getReason().getCode())
        .containsExactlyInAnyOrder("UNKNOWN_TYPE", "UNDECODABLE");
  }

  @Test
  void closeLetsRunningJobsFinishAndCommitsTheirResults() {
    startWorker();
    kafka.append(0, job("nap", "sleep", Map.of("ms", 400L)));
    await().atMost(WAIT).until(() -> eventKinds("nap").contains(JobEventKind.STARTED));

    worker.close();

    assertThat(worker.isRunning()).isFalse();
    assertThat(results().get("nap").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(committedOffset(0)).isEqualTo(1);
    assertThat(meters.find("runex.worker.in.flight").gauge())
        .as("gauges removed on close")
        .isNull();
  }

  @Test
  void jobsStartWhileTheWorkerCommits() {
    startWorker();
    CountDownLatch commits = new CountDownLatch(1);
    kafka.producer.commitGate = commits;
    kafka.append(0, job("first", "echo", Map.of()));
    await().atMost(WAIT).until(() -> kafka.producer.commitsWaiting.get() == 1);

    kafka.append(1, job("second", "gate", Map.of()));

    // the commit carrying the first job's result still waits: the second job started meanwhile
    await().atMost(WAIT).until(() -> gate.runs.get() == 1);
    assertThat(kafka.producer.commitsWaiting.get()).isEqualTo(1);
    assertThat(results()).isEmpty();

    commits.countDown();
    gate.open.countDown();
    await().atMost(WAIT).until(() -> results().size() == 2);
    await().atMost(WAIT).until(() -> committedOffset(0) == 1 && committedOffset(1) == 1);
    assertThat(results().values())
        .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED));
  }

  @Test
  void revokedPartitionIsDrainedAndCommittedBeforeItIsReleased() {
    startWorker();
    kafka.append(1, job("nap", "sleep", Map.of("ms", 400L)));
    await().atMost(WAIT).until(() -> eventKinds("nap").contains(JobEventKind.STARTED));

    kafka.assign(kafka.partitions(0));

    await().atMost(WAIT).until(() -> committedOffset(1) == 1);
    assertThat(results().get("nap").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void lostPartitionAbortsTheTransactionAndOnlyTheKeptPartitionsJobsAreRedone() {
    cfg = config(Map.of("runex.worker.commitInterval", "1h", "runex.worker.minCommitGap", "1h"));
    startWorker();
    for (int i = 0; i < 6; i++) {
      kafka.append(i % 2, job("j" + i, "echo", Map.of()));
    }
    await().atMost(WAIT).until(() -> uncommittedResults() == 6);

    kafka.consumer.schedulePollTask(() -> kafka.consumer.losePartitions(kafka.partitions(1)));
    await().atMost(WAIT).until(() -> kafka.producer.aborts == 1 && uncommittedResults() == 3);
    worker.close();

    assertThat(results().keySet()).containsExactlyInAnyOrder("j0", "j2", "j4");
    assertThat(resultRecords()).hasSize(3);
  }

  @Test
  void aFencedProducerIsReplacedAndEveryJobHasOneResult() {
    // given: the coordinator fenced the producer (its transaction outlived the timeout while the
    // worker or the broker stood still; the producer meets ProducerFencedException)
    startWorker();
    kafka.append(0, job("before", "echo", Map.of()));
    await().atMost(WAIT).until(() -> committedResultIds().contains("before"));
    kafka.producer.fenceProducer();
    // when
    for (int i = 0; i < 5; i++) {
      kafka.append(i % 3, job("after" + i, "echo", Map.of()));
    }
    // then: a new producer, nothing lost, nothing twice
    await().atMost(WAIT).until(() -> committedResultIds().size() == 6);
    assertThat(worker.isRunning()).isTrue();
    assertThat(worker.failure()).isEmpty();
    assertThat(kafka.producers).hasSizeGreaterThanOrEqualTo(2);
    assertThat(kafka.producers.get(0).closed()).isTrue();
    assertThat(committedResultIds()).doesNotHaveDuplicates().hasSize(6);
  }

  @Test
  void aWorkerFencedAgainAfterEachNewProducerStopsWithoutCommittingAnything() {
    // given: another instance with the same transactional id, which fences each new producer
    startWorker();
    kafka.append(0, job("before", "echo", Map.of()));
    await().atMost(WAIT).until(() -> committedResultIds().contains("before"));
    kafka.fenceEachNewProducer = true;
    kafka.producer.fenceProducer();
    // when
    kafka.append(0, job("after", "echo", Map.of()));
    // then: the third fencing stops it, saying why
    await().atMost(WAIT).until(() -> !worker.isRunning());
    assertThat(worker.failure())
        .get()
        .isInstanceOf(FatalTransactionException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("fenced 3 times within 10 min")
        .contains("another instance seems to be running with transactional id");
    assertThat(kafka.producers).hasSize(3);
    assertThat(committedResultIds()).containsExactly("before");
  }

  @Test
  void aTransactionTheCoordinatorAbortedIsRedoneWithANewProducerAndEveryJobHasOneResult() {
    // given: jobs flowing, then a commit fails as after a broker frozen past the transaction
    // timeout (the coordinator aborted the transaction and bumped the producer epoch)
    startWorker();
    for (int i = 0; i < 4; i++) {
      kafka.append(i % 3, job("early" + i, "echo", Map.of()));
    }
    await().atMost(WAIT).until(() -> committedResultIds().size() == 4);
    kafka.producer.nextCommitFailure =
        new InvalidProducerEpochException("transaction timed out; epoch bumped");
    // when
    for (int i = 0; i < 6; i++) {
      kafka.append(i % 3, job("late" + i, "echo", Map.of()));
    }
    // then: the worker lives on with a second producer, each job has exactly one committed result
    await().atMost(WAIT).until(() -> committedResultIds().size() == 10);
    assertThat(worker.isRunning()).isTrue();
    assertThat(worker.failure()).isEmpty();
    assertThat(kafka.producers).hasSizeGreaterThanOrEqualTo(2);
    assertThat(kafka.producers.get(0).closed()).isTrue();
    assertThat(committedResultIds()).doesNotHaveDuplicates().hasSize(10);
  }

  @Test
  void aLoopThatStoodStillPastTheSessionTimeoutStartsNoJobUntilARebalanceConfirmsItsPartitions()
      throws InterruptedException {
    // given: one slot held by a gate job, two more jobs fetched behind it
    cfg = config(Map.of("runex.worker.concurrency", "1", "runex.worker.sessionTimeout", "60s"));
    ShiftedClock clock = new ShiftedClock();
    startWorker(clock);
    kafka.append(0, job("held", "gate", Map.of()));
    await().atMost(WAIT).until(() -> startedEvents().contains("held"));
    kafka.append(1, job("behind1", "echo", Map.of()));
    kafka.append(2, job("behind2", "echo", Map.of()));
    await().atMost(WAIT).until(() -> kafka.consumer.fetchedAll());

    // when: the process is frozen past its session timeout (the loop stands still in a poll while
    // the clock moves on) and the slot frees up meanwhile
    assertThat(startedEvents()).as("one slot").containsExactly("held");
    CountDownLatch frozen = new CountDownLatch(1);
    CountDownLatch thawed = new CountDownLatch(1);
    kafka.consumer.schedulePollTask(
        () -> {
          frozen.countDown();
          try {
            thawed.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(frozen.await(15, TimeUnit.SECONDS)).isTrue();
    clock.shift(Duration.ofSeconds(120));
    gate.open.countDown();
    thawed.countDown();

    // then: the gate job's result commits, but the jobs fetched before the freeze wait for the
    // group: their partitions may be another worker's by now
    await().atMost(WAIT).until(() -> committedResultIds().contains("held"));
    long polls = kafka.consumer.polls.get();
    await().atMost(WAIT).until(() -> kafka.consumer.polls.get() >= polls + 20);
    assertThat(startedEvents()).containsExactly("held");
    assertThat(kafka.consumer.shouldRebalance()).as("a rebalance was asked for").isTrue();

    // when the group confirms the partitions, the jobs run (once)
    kafka.assign(kafka.partitions(0, 1, 2));
    await().atMost(WAIT).until(() -> committedResultIds().size() == 3);
    assertThat(committedResultIds()).containsExactlyInAnyOrder("held", "behind1", "behind2");
  }

  @Test
  void aRecordWaitingForTheSchemaRegistryHoldsOnlyItsPartitionAndUndoesNothing() {
    // given: a job running, its schema cached by the worker
    RegistryAway registry = new RegistryAway(topics.registry());
    startWorker(Clock.systemUTC(), topics.withRegistry(registry));
    kafka.append(0, job("running", "gate", Map.of()));
    await().atMost(WAIT).until(() -> startedEvents().contains("running"));

    // when: a record framed with a schema id the worker has not seen arrives while it is away
    registry.away = true;
    org.apache.avro.Schema variant =
        new org.apache.avro.Schema.Parser()
            .parse(Job.getClassSchema().toString().replaceFirst("\\{", "{\"x-variant\":\"2\","));
    int variantId = topics.registry().register(SCHEDULED + "-value", variant);
    byte[] body =
        topics
            .scheduled("default")
            .valueSerde()
            .serializer()
            .serialize(SCHEDULED, job("later", "echo", Map.of()));
    byte[] framed = body.clone();
    java.nio.ByteBuffer.wrap(framed, 1, 4).putInt(variantId);
    kafka.appendRaw(1, "later", framed);
    kafka.append(2, job("other", "echo", Map.of()));
    await().atMost(WAIT).until(() -> registry.refused.get() > 0);
    await().atMost(WAIT).until(() -> committedResultIds().contains("other"));

    // then: the running job is not undone, and the waiting record runs once the registry is back
    registry.away = false;
    gate.open.countDown();
    await().atMost(WAIT).until(() -> committedResultIds().size() == 3);
    assertThat(committedResultIds()).containsExactlyInAnyOrder("running", "later", "other");
    assertThat(gate.runs.get()).as("runs of the job that was running").isEqualTo(1);
  }

  @Test
  void aWorkerStartedWhileTheRegistryIsAwayRunsNoJobBeforeItCanWriteItsOutputs() {
    // given: a worker starting while the registry does not answer for the schema of one of its
    // outputs (the results' schema: a worker that ran a job before the registry went away has the
    // others), with a job waiting
    RegistryAway registry = new RegistryAway(topics.registry());
    registry.refusedSubject = RESULTS + "-value";
    kafka.append(0, job("first", "gate", Map.of()));
    gate.open.countDown(); // the job ends as soon as it runs
    startWorker(Clock.systemUTC(), topics.withRegistry(registry));

    // when: it has been refused that schema a few times
    await().atMost(WAIT).until(() -> registry.refusedRegistrations.get() >= 3);

    // then: it ran nothing (a job that ran then could not have its result written, and would run
    // again); once the registry answers, the job runs once and its result commits
    assertThat(gate.runs.get()).as("runs while the registry was away").isZero();
    registry.refusedSubject = null;
    await().atMost(WAIT).until(() -> committedResultIds().contains("first"));
    assertThat(gate.runs.get()).as("runs of the job").isEqualTo(1);
  }

  /**
   * A caching registry client (as the HTTP one is) whose registry is away: ids it has fetched
   * before are answered from its cache, others are refused as by a registry that does not answer;
   * registering under {@link #refusedSubject} is refused too.
   */
  static final class RegistryAway implements dev.runex.schemas.serde.SchemaRegistryClient {
    private final dev.runex.schemas.serde.SchemaRegistryClient real;
    volatile boolean away;
    final java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();

    RegistryAway(dev.runex.schemas.serde.SchemaRegistryClient real) {
      this.real = real;
    }

    /** A subject whose registration is refused, as by a registry that does not answer. */
    volatile String refusedSubject;

    final java.util.concurrent.atomic.AtomicInteger refusedRegistrations =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public int register(String subject, org.apache.avro.Schema schema) {
      if (subject.equals(refusedSubject)) {
        refusedRegistrations.incrementAndGet();
        throw new dev.runex.schemas.serde.SchemaRegistryUnavailableException(
            "connection refused", null);
      }
      return real.register(subject, schema);
    }

    private final Map<Integer, org.apache.avro.Schema> cached = new ConcurrentHashMap<>();

    @Override
    public org.apache.avro.Schema getById(int id) {
      org.apache.avro.Schema known = cached.get(id);
      if (known != null) {
        return known;
      }
      if (away) {
        refused.incrementAndGet();
        throw new dev.runex.schemas.serde.SchemaRegistryUnavailableException(
            "connection refused", null);
      }
      org.apache.avro.Schema fetched = real.getById(id);
      cached.put(id, fetched);
      return fetched;
    }
  }

  @Test
  void pausesFetchingWhileTooManyRecordsWaitAndResumesWhenTheyDrain() {
    cfg = config(Map.of("runex.worker.concurrency", "1", "runex.worker.maxBufferedRecords", "2"));
    startWorker();
    for (int i = 0; i < 9; i++) {
      kafka.append(i % 3, job("g" + i, "gate", Map.of()));
    }

    await().atMost(WAIT).until(() -> kafka.consumer.paused().size() == 3);
    gate.open.countDown();

    await().atMost(WAIT).until(() -> results().size() == 9);
    await().atMost(WAIT).until(() -> kafka.consumer.paused().isEmpty());
  }

  @Test
  void
      partitionThatRunsTooFarAheadOfItsOldestUnfinishedJobPausesAndCommitsFinishedOffsetsInMetadata() {
    cfg = config(Map.of("runex.worker.maxUncommittedOffsets", "64"));
    kafka.consumer.setMaxPollRecords(10);
    startWorker();
    kafka.append(0, job("slow", "gate", Map.of()));
    for (int i = 1; i <= 100; i++) {
      kafka.append(0, job("fast" + i, "echo", Map.of()));
    }

    await()
        .atMost(WAIT)
        .until(() -> kafka.consumer.paused().contains(new TopicPartition(SCHEDULED, 0)));
    await().atMost(WAIT).until(() -> committedMetadata(0).length >= 60);
    assertThat(committedOffset(0)).as("the gate job holds the commit point").isZero();
    assertThat(results()).doesNotContainKey("fast100");

    gate.open.countDown();

    await().atMost(WAIT).until(() -> committedOffset(0) == 101);
    assertThat(results()).hasSize(101);
  }

  @Test
  void jobPastItsDeadlineIsNotRunButGetsOneExpiredResultAndFreesItsKey() {
    // given a job whose deadline passed while it sat in the pool's topic, and a later job of its
    // key
    startWorker();
    Job late =
        Job.newBuilder(keyed("late", "probe", "a", Map.of("seq", 1L)))
            .setExpiresAt(java.time.Instant.now().minusSeconds(1))
            .build();
    kafka.append(0, late);
    kafka.append(0, keyed("next", "probe", "a", Map.of("seq", 2L)));

    // when
    await().atMost(WAIT).until(() -> results().size() == 2 && committedOffset(0) == 2);

    // then
    JobResult expired = results().get("late");
    assertThat(expired.getStatus()).isEqualTo(JobStatus.EXPIRED);
    assertThat(expired.getError().getCode()).isEqualTo("EXPIRED");
    assertThat(expired.getAttempts()).isZero();
    assertThat(eventKinds("late")).containsExactly(JobEventKind.EXPIRED);
    assertThat(probe.order.get("a")).as("only the job in time ran").containsExactly(2L);
    assertThat(results().get("next").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(deadLetters()).isEmpty();
    assertThat(
            meters
                .get("runex.job.expired")
                .tags("type", "probe", "stage", "execution")
                .counter()
                .count())
        .isEqualTo(1);
  }

  private void startWorker() {
    startWorker(Clock.systemUTC());
  }

  private void startWorker(Clock clock) {
    startWorker(clock, topics);
  }

  private void startWorker(Clock clock, RunexTopics workerTopics) {
    worker =
        new JobWorker(
            cfg,
            workerTopics,
            HandlerRegistry.withBuiltins().register(probe).register(gate),
            meters,
            kafka,
            clock);
    worker.start();
    kafka.assign(kafka.partitions(0, 1, 2));
  }

  private static RunexConfig config(Map<String, String> overrides) {
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "runex.worker.id", "w1",
                "runex.worker.commitInterval", "20ms",
                "runex.worker.concurrency", "4",
                "runex.worker.drainTimeout", "5s"));
    all.putAll(overrides);
    RunexConfig base = TestConfig.config(all);
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    for (String name : List.of("probe", "gate")) {
      types.put(
          name,
          new JobTypeSpec(
              name,
              "java",
              name,
              "default",
              Set.of("*"),
              Map.of(),
              true,
              65_536,
              Duration.ofSeconds(30),
              Duration.ofMinutes(5),
              RetryPolicy.DEFAULT));
    }
    return base.withJobTypes(types);
  }

  private static Job dueAt(Job job, Instant due) {
    return Job.newBuilder(job).setDueAt(due).build();
  }

  private static Job keyed(String id, String type, String key, Map<String, Object> params) {
    return Job.newBuilder(job(id, type, params)).setPartitionKey(key).build();
  }

  private long committedOffset(int partition) {
    synchronized (kafka.consumer) {
      OffsetAndMetadata c = kafka.committedOffsets.get(new TopicPartition(SCHEDULED, partition));
      return c == null ? -1 : c.offset();
    }
  }

  private long[] committedMetadata(int partition) {
    synchronized (kafka.consumer) {
      OffsetAndMetadata c = kafka.committedOffsets.get(new TopicPartition(SCHEDULED, partition));
      return c == null ? new long[0] : CompletedOffsetsCodec.decode(c.offset(), c.metadata());
    }
  }

  private List<ProducerRecord<byte[], byte[]>> records(String topic) {
    return kafka.producer.history().stream()
        .filter(r -> r.topic().equals(topic))
        .collect(Collectors.toList());
  }

  private List<ProducerRecord<byte[], byte[]>> resultRecords() {
    return records("runex.results");
  }

  /** Committed results by job id (fails on a duplicate). */
  private Map<String, JobResult> results() {
    return resultRecords().stream()
        .map(r -> topics.results().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .collect(Collectors.toMap(JobResult::getId, Function.identity()));
  }

  /** Ids of the results every producer so far committed, duplicates kept. */
  private List<String> committedResultIds() {
    return kafka.producers.stream()
        .flatMap(p -> p.history().stream())
        .filter(r -> r.topic().equals("runex.results"))
        .map(
            r ->
                topics
                    .results()
                    .valueSerde()
                    .deserializer()
                    .deserialize(r.topic(), r.value())
                    .getId())
        .collect(Collectors.toList());
  }

  private long uncommittedResults() {
    return kafka.producer.uncommittedRecords().stream()
        .filter(r -> r.topic().equals("runex.results"))
        .count();
  }

  private List<DeadLetter> deadLetters() {
    return records("runex.dead-letter").stream()
        .map(r -> topics.deadLetter().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .collect(Collectors.toList());
  }

  /** Ids of the jobs with a STARTED event sent by the current producer, committed or not. */
  private List<String> startedEvents() {
    List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>(kafka.producer.history());
    sent.addAll(kafka.producer.uncommittedRecords());
    List<String> ids = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : sent) {
      if (r.topic().equals("runex.events")) {
        JobEvent e = topics.events().valueSerde().deserializer().deserialize(r.topic(), r.value());
        if (Lifecycle.transitions(e).stream().anyMatch(t -> t.getKind() == JobEventKind.STARTED)) {
          ids.add(e.getJobId());
        }
      }
    }
    return ids;
  }

  /** The system clock, moved on by the test: what a frozen process sees when it is thawed. */
  static final class ShiftedClock extends Clock {
    private final java.util.concurrent.atomic.AtomicLong shiftMillis =
        new java.util.concurrent.atomic.AtomicLong();

    void shift(Duration by) {
      shiftMillis.addAndGet(by.toMillis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plusMillis(shiftMillis.get());
    }
  }

  private List<JobEventKind> eventKinds(String jobId) {
    List<JobEventKind> kinds = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : records("runex.events")) {
      JobEvent e = topics.events().valueSerde().deserializer().deserialize(r.topic(), r.value());
      if (e.getJobId().equals(jobId)) {
        Lifecycle.transitions(e).forEach(t -> kinds.add(t.getKind()));
      }
    }
    return kinds;
  }

  /** Blocks every job until the test opens it. */
  static final class Gate implements JobHandler {
    final CountDownLatch open = new CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String name() {
      return "gate";
    }

    @Override
    public String handle(JobContext ctx) throws InterruptedException {
      runs.incrementAndGet();
      return open.await(20, TimeUnit.SECONDS) ? "opened" : "timed out";
    }
  }

  /**
   * Records the order jobs of each key run in, and whether two of one key ever overlap. The first
   * job of key a waits until the first of key b has started: only concurrent keys let it finish.
   */
  static final class OrderProbe implements JobHandler {
    final Map<String, List<Long>> order = new ConcurrentHashMap<>();
    final Set<String> active = ConcurrentHashMap.newKeySet();
    final AtomicBoolean overlap = new AtomicBoolean();
    final CountDownLatch bStarted = new CountDownLatch(1);

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public String handle(JobContext ctx) throws Exception {
      String key = ctx.job().getPartitionKey();
      long seq = ctx.longParam("seq", 0);
      if (!active.add(key)) {
        overlap.set(true);
      }
      try {
        order.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(seq);
        if (key.equals("b") && seq == 1) {
          bStarted.countDown();
        }
        if (key.equals("a") && seq == 1 && !bStarted.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "b never started while a ran: keys did not run concurrently");
        }
        Thread.sleep(seq % 3);
        return "ok";
      } finally {
        active.remove(key);
      }
    }
  }
}

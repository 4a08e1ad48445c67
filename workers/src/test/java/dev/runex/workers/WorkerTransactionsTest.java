package dev.runex.workers;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.internal.admission.JobAdmission;
import dev.runex.workers.internal.admission.MemoryBudget;
import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.execution.KeyedDispatcher;
import dev.runex.workers.internal.monitoring.WorkerMetrics;
import dev.runex.workers.internal.offsets.AssignedPartitions;
import dev.runex.workers.internal.output.OutcomeRecords;
import dev.runex.workers.internal.output.OutputTransaction;
import dev.runex.workers.internal.output.ProducerLostException;
import dev.runex.workers.testing.HandClock;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction boundaries alone, over a {@link WorkerState} built here (no poll loop): what
 * assignment, commits, revocation and recovery do to the shared state.
 */
class WorkerTransactionsTest {
  private static final String SCHEDULED = "runex.scheduled.default";
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private final HandClock clock = new HandClock(T0);
  private RunexConfig cfg;
  private FakeKafka kafka;
  private WorkerState state;
  private WorkerTransactions transactions;

  @BeforeEach
  void setUp() {
    cfg =
        TestConfig.config(Map.of("runex.worker.id", "w1", "runex.worker.commitInterval", "100ms"));
    RunexTopics topics = TestConfig.topics(cfg);
    kafka = new FakeKafka(topics, SCHEDULED, 2);
    WorkerSettings settings = WorkerSettings.from(cfg);
    KeyedDispatcher<Object, FetchedJob> dispatcher =
        new KeyedDispatcher<>(settings.concurrency(), FetchedJob::orderingKey);
    JobAdmission<FetchedJob> admission =
        new JobAdmission<>(dispatcher, new MemoryBudget(0), f -> 0L, FetchedJob::orderingKey);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerMetrics metrics = new WorkerMetrics(meters, Set.of(), () -> 0, () -> 0);
    OutputTransaction tx =
        new OutputTransaction(kafka.producer, () -> kafka.producer(Map.of()), p -> {});
    state =
        new WorkerState(
            settings,
            clock,
            kafka.consumer,
            tx,
            metrics,
            new AssignedPartitions(),
            new InFlightJobs(),
            dispatcher,
            admission,
            new WorkerState.StopFlag(),
            new WorkerState.Rounds());
    OutcomeRecords outputs = new OutcomeRecords(topics, "w1");
    tx.deferFrom(outputs.heldStarts());
    AttemptEnds ends =
        new AttemptEnds(cfg, tx, outputs, state.partitions(), metrics, new ControlTable(), clock);
    transactions = new WorkerTransactions(state, new Completions(state, ends));
    tx.init();
  }

  @Test
  void anAssignedPartitionResumesAtItsCommittedOffset() {
    // given
    TopicPartition p0 = new TopicPartition(SCHEDULED, 0);
    TopicPartition p1 = new TopicPartition(SCHEDULED, 1);
    kafka.committedOffsets.put(p0, new OffsetAndMetadata(5));
    kafka.consumer.assign(List.of(p0, p1));

    // when
    transactions.onAssigned(List.of(p0, p1));

    // then
    assertThat(state.partitions().partitions()).containsExactlyInAnyOrder(p0, p1);
    assertThat(kafka.consumer.position(p0)).isEqualTo(5);
  }

  @Test
  void aCommitIsDueEachCommitInterval() {
    // given
    assertThat(transactions.untilCommitDue(false)).isEqualTo(Duration.ofMillis(100));

    // when
    clock.advance(Duration.ofMillis(130));
    Duration overdue = transactions.untilCommitDue(false);
    transactions.commitIfDue(false);

    // then: nothing was pending, so no transaction; the next commit is a whole interval away
    assertThat(overdue).isZero();
    assertThat(transactions.untilCommitDue(false)).isEqualTo(Duration.ofMillis(100));
    assertThat(kafka.producer.history()).isEmpty();
  }

  @Test
  void anIdleLoopCommitsPendingOutputsAfterTheMinimumGapNotTheInterval() {
    // given: a finished job's output in the open transaction (default gap: 10 ms)
    state.tx().send(new ProducerRecord<>("runex.results", new byte[] {1}, new byte[] {2}));

    // when: 4 ms after the last commit, the loop has nothing at hand
    clock.advance(Duration.ofMillis(4));
    transactions.commitIfDue(true);

    // then: the gap holds it back for 6 ms more, not for the interval's 96
    assertThat(kafka.producer.history()).isEmpty();
    assertThat(transactions.untilCommitDue(true)).isEqualTo(Duration.ofMillis(6));
    assertThat(transactions.untilCommitDue(false)).isEqualTo(Duration.ofMillis(96));

    // and once the gap has passed it commits, while a busy loop would still wait
    clock.advance(Duration.ofMillis(6));
    transactions.commitIfDue(false);
    assertThat(kafka.producer.history()).isEmpty();
    transactions.commitIfDue(true);
    assertThat(kafka.producer.history()).hasSize(1);
    assertThat(state.tx().isOpen()).isFalse();
  }

  @Test
  void aRevokedPartitionIsCommittedAndForgottenWithItsQueuedJobs() {
    // given: a job of partition 1 waits for a slot
    TopicPartition p0 = new TopicPartition(SCHEDULED, 0);
    TopicPartition p1 = new TopicPartition(SCHEDULED, 1);
    kafka.consumer.assign(List.of(p0, p1));
    transactions.onAssigned(List.of(p0, p1));
    state.dispatcher().offer(fetched(1, 0, "j1"));

    // when
    transactions.onRevoked(List.of(p1));

    // then
    assertThat(state.partitions().partitions()).containsExactly(p0);
    assertThat(state.dispatcher().queued()).isZero();
  }

  @Test
  void aTransientFailureDropsQueuedWorkRewindsAndBacksOff() {
    // given
    TopicPartition p0 = new TopicPartition(SCHEDULED, 0);
    kafka.consumer.assign(List.of(p0));
    transactions.onAssigned(List.of(p0));
    state.dispatcher().offer(fetched(0, 0, "j1"));

    // when
    transactions.recover("schema registry unavailable", new RuntimeException("down"));

    // then: fetching waits out the back-off, then resumes
    assertThat(state.dispatcher().queued()).isZero();
    assertThat(transactions.fetchingSuspended()).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(transactions.fetchingSuspended()).isFalse();
    assertThat(transactions.failure()).isNull();
  }

  @Test
  void theAssignmentIsVisibleToHealthUntilThePartitionsAreLost() {
    // given
    TopicPartition p0 = new TopicPartition(SCHEDULED, 0);
    TopicPartition p1 = new TopicPartition(SCHEDULED, 1);
    assertThat(transactions.assignmentReceived()).isFalse();
    kafka.consumer.assign(List.of(p0, p1));

    // when
    transactions.onAssigned(List.of(p0, p1));

    // then
    assertThat(transactions.assignmentReceived()).isTrue();
    assertThat(transactions.assignedCount()).isEqualTo(2);

    // when: the session expired
    transactions.onLost(List.of(p0, p1));

    // then: the worker waits for a new assignment
    assertThat(transactions.assignmentReceived()).isFalse();
    assertThat(transactions.assignedCount()).isZero();
  }

  @Test
  void aLostProducerStopsFetchingUntilTheWorkerResumesFromTheCommittedOffsets() {
    // given: partition 0 committed up to 3; a job of it waits for a slot
    TopicPartition p0 = new TopicPartition(SCHEDULED, 0);
    kafka.consumer.assign(List.of(p0));
    transactions.onAssigned(List.of(p0));
    kafka.committedOffsets.put(p0, new OffsetAndMetadata(3));
    state.dispatcher().offer(fetched(0, 3, "j1"));

    // when
    transactions.producerLost(new ProducerLostException("transaction timed out", null));

    // then: nothing queued, nothing fetched, nothing committed
    assertThat(transactions.recovering()).isTrue();
    assertThat(transactions.fetchingSuspended()).isTrue();
    assertThat(state.dispatcher().queued()).isZero();
    transactions.commitNow();
    assertThat(kafka.producer.history()).isEmpty();

    // when: the loop tries to resume
    transactions.tryResume();

    // then
    assertThat(transactions.recovering()).isFalse();
    assertThat(transactions.fetchingSuspended()).isFalse();
    assertThat(kafka.consumer.position(p0)).isEqualTo(3);
  }

  private static FetchedJob fetched(int partition, long offset, String id) {
    return new FetchedJob(
        new ConsumerRecord<>(SCHEDULED, partition, offset, id, new byte[0]),
        job(id, "echo", Map.of()));
  }
}

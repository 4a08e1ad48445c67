package dev.runex.workers.internal.output;

import static dev.runex.workers.testing.Jobs.T0;
import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.internal.deadletter.SourceCoordinates;
import dev.runex.workers.internal.execution.AttemptOutcome.Succeeded;
import dev.runex.workers.testing.TestConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sends from attempts' own threads ({@link OutputTransaction#trySendFromAttempt}): a record they
 * send is committed only by a commit that took in the news of it first, and never after an abort
 * since the attempt started; and a job's STARTED, held until the commit, is either taken into its
 * end's record by such a send or written alone by the commit — never both, never neither.
 */
class AttemptSendsTest {
  private static final Instant STARTED = T0.plusSeconds(1);
  private static final ConsumerGroupMetadata GROUP =
      new ConsumerGroupMetadata("g", 1, "m", Optional.empty());
  private static final TopicPartition IN = new TopicPartition("in", 0);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final OutputTransaction tx = new OutputTransaction(producer);
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final RunexTopics topics = TestConfig.topics(TestConfig.config(Map.of()));
  private final OutcomeRecords records = new OutcomeRecords(topics, "worker-1");

  @BeforeEach
  void init() {
    tx.init();
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void sendsIntoTheOpenTransactionAndAnnouncesWhileAllowed() throws Exception {
    AtomicBoolean announced = new AtomicBoolean();

    boolean sent =
        tx.trySendFromAttempt(
            tx.generation(), () -> true, () -> List.of(record("a")), () -> announced.set(true));

    assertThat(sent).isTrue();
    assertThat(announced).isTrue();
    assertThat(tx.isOpen()).isTrue();
    tx.commit(Map.of(IN, new OffsetAndMetadata(1)), GROUP);
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void refusesAnAttemptThatSurvivedAnAbort() {
    long startedIn = tx.generation();
    tx.send(record("poll-loop"));
    tx.abort();

    boolean sent =
        tx.trySendFromAttempt(startedIn, () -> true, () -> List.of(record("a")), () -> {});

    assertThat(sent).isFalse();
    assertThat(tx.isOpen()).isFalse(); // not even a new transaction was begun
  }

  @Test
  void refusesAnAttemptThatIsNoLongerLive() {
    boolean sent =
        tx.trySendFromAttempt(tx.generation(), () -> false, () -> List.of(record("a")), () -> {});

    assertThat(sent).isFalse();
    assertThat(tx.isOpen()).isFalse();
  }

  @Test
  void refusesWithoutWaitingWhileThePollLoopHoldsTheGate() throws Exception {
    List<Boolean> results = new ArrayList<>();
    tx.exclusively(
        () -> {
          Future<Boolean> attempt =
              threads.submit(
                  () ->
                      tx.trySendFromAttempt(
                          tx.generation(), () -> true, () -> List.of(record("a")), () -> {}));
          try {
            results.add(attempt.get(10, TimeUnit.SECONDS));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    assertThat(results).containsExactly(false);
    assertThat(producer.history()).isEmpty();
  }

  /**
   * Attempts' threads send while the poll loop commits over and over; after every commit, each
   * record committed so far must have had its news taken in by a commit: else a crash there would
   * leave a result committed without its offset, and the job would run and be written again.
   */
  @Test
  void everyCommittedRecordHadItsNewsTakenInBeforeItsCommit() throws Exception {
    ConcurrentLinkedQueue<String> news = new ConcurrentLinkedQueue<>();
    Set<String> takenIn = new HashSet<>();
    AtomicInteger sent = new AtomicInteger();
    // half of each thread's sends wait for the first commit, so sends and commits interleave
    // however the threads are scheduled
    CountDownLatch firstCommit = new CountDownLatch(1);
    List<Future<?>> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      senders.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 500; ) {
                  if (i == 250) {
                    firstCommit.await();
                  }
                  String id = thread + "-" + i;
                  if (tx.trySendFromAttempt(
                      tx.generation(), () -> true, () -> List.of(record(id)), () -> news.add(id))) {
                    sent.incrementAndGet();
                    i++;
                  } else {
                    Thread.yield(); // refused while the poll loop commits: try again
                  }
                }
                return null;
              }));
    }
    int checked = 0;
    for (int commit = 1; checked < 2000; commit++) {
      long offset = commit;
      tx.commit(
          () -> {
            for (String id; (id = news.poll()) != null; ) {
              takenIn.add(id);
            }
            return Map.of(IN, new OffsetAndMetadata(offset));
          },
          GROUP);
      List<ProducerRecord<byte[], byte[]>> committed = producer.history();
      for (ProducerRecord<byte[], byte[]> r : committed.subList(checked, committed.size())) {
        assertThat(takenIn).contains(new String(r.value(), StandardCharsets.UTF_8));
      }
      checked = committed.size();
      firstCommit.countDown();
    }
    for (Future<?> f : senders) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(sent).hasValue(2000);
    assertThat(producer.commitCount()).isGreaterThan(1);
  }

  @Test
  void aSuccessSentFromItsThreadCarriesTheHeldStartedInItsOneLifecycleRecord() throws Exception {
    // given: a STARTED held for the open transaction
    tx.deferFrom(records.heldStarts());
    Job job = job("j1", "echo", Map.of());
    records.started(job, STARTED);
    tx.hold();
    PreparedOutputs prepared = success(job);

    // when: the attempt's thread sends its outputs, then the transaction commits
    boolean sent =
        threads
            .submit(
                () ->
                    tx.trySendFromAttempt(
                        tx.generation(),
                        () -> true,
                        () -> records.take(prepared).records(),
                        () -> {}))
            .get(10, TimeUnit.SECONDS);
    tx.commit(Map.of(IN, new OffsetAndMetadata(1)), GROUP);

    // then: one lifecycle record, STARTED then SUCCEEDED, and no STARTED alone at the commit
    assertThat(sent).isTrue();
    assertThat(lifecycleRecords(producer.history()))
        .singleElement()
        .satisfies(
            e ->
                assertThat(Lifecycle.transitions(e))
                    .extracting(JobEvent::getKind)
                    .containsExactly(JobEventKind.STARTED, JobEventKind.SUCCEEDED));
  }

  @Test
  void anEndPreparedBeforeACommitWroteItsStartedAloneIsWrittenWithoutIt() throws Exception {
    // given: the end was prepared while its STARTED was held
    tx.deferFrom(records.heldStarts());
    Job job = job("j1", "echo", Map.of());
    records.started(job, STARTED);
    tx.hold();
    PreparedOutputs prepared = success(job);

    // when: a commit comes first, then the attempt's thread sends
    tx.commit(Map.of(), GROUP);
    boolean sent =
        tx.trySendFromAttempt(
            tx.generation(), () -> true, () -> records.take(prepared).records(), () -> {});
    tx.commit(Map.of(IN, new OffsetAndMetadata(1)), GROUP);

    // then: STARTED alone in the first transaction, SUCCEEDED alone in the second
    assertThat(sent).isTrue();
    assertThat(lifecycleRecords(producer.history()))
        .extracting(e -> Lifecycle.transitions(e).stream().map(JobEvent::getKind).toList())
        .containsExactly(List.of(JobEventKind.STARTED), List.of(JobEventKind.SUCCEEDED));
  }

  /**
   * The poll loop holds STARTEDs and commits over and over while attempts' threads prepare their
   * ends and send them (or, refused, hand them to the poll loop to send). Every job must end up
   * with exactly STARTED then SUCCEEDED across what was committed, and no transaction may carry two
   * lifecycle records of one job.
   */
  @Test
  void everyJobHasOneLifecycleRecordPerTransactionWhileAttemptsSendAndCommitsRelease()
      throws Exception {
    tx.deferFrom(records.heldStarts());
    ConcurrentLinkedQueue<PreparedOutputs> refused = new ConcurrentLinkedQueue<>();
    int jobs = 1000;
    List<Future<?>> ends = new ArrayList<>();
    List<Integer> boundaries = new ArrayList<>();
    Runnable commit =
        () -> {
          try {
            tx.commit(
                () -> {
                  for (PreparedOutputs p; (p = refused.poll()) != null; ) {
                    tx.send(records.take(p).records());
                  }
                  return Map.of(IN, new OffsetAndMetadata(1));
                },
                GROUP);
          } catch (AbortedTransactionException e) {
            throw new AssertionError(e);
          }
          boundaries.add(producer.history().size());
        };
    for (int i = 0; i < jobs; i++) {
      Job job = job("j" + i, "echo", Map.of());
      tx.hold();
      records.started(job, STARTED);
      long generation = tx.generation();
      ends.add(
          threads.submit(
              () -> {
                PreparedOutputs p = success(job);
                if (!tx.trySendFromAttempt(
                    generation, () -> true, () -> records.take(p).records(), () -> {})) {
                  refused.add(p);
                }
              }));
      if (i % 7 == 0) {
        commit.run();
      }
    }
    for (Future<?> f : ends) {
      f.get(10, TimeUnit.SECONDS);
    }
    commit.run();

    List<ProducerRecord<byte[], byte[]>> committed = producer.history();
    Map<String, List<JobEventKind>> perJob = new HashMap<>();
    int from = 0;
    for (int to : boundaries) {
      Set<String> inThisTransaction = new HashSet<>();
      for (JobEvent e : lifecycleRecords(committed.subList(from, to))) {
        assertThat(inThisTransaction.add(e.getJobId()))
            .as("one lifecycle record of %s per transaction", e.getJobId())
            .isTrue();
        Lifecycle.transitions(e)
            .forEach(
                t -> perJob.computeIfAbsent(t.getJobId(), k -> new ArrayList<>()).add(t.getKind()));
      }
      from = to;
    }
    assertThat(perJob).hasSize(jobs);
    assertThat(perJob.values())
        .allSatisfy(
            kinds ->
                assertThat(kinds).containsExactly(JobEventKind.STARTED, JobEventKind.SUCCEEDED));
  }

  private PreparedOutputs success(Job job) {
    return records.prepare(
        job,
        new Succeeded("{}", STARTED, STARTED.plusSeconds(1)),
        null,
        new SourceCoordinates("runex.scheduled.default", 0, 0),
        STARTED.plusSeconds(1));
  }

  private List<JobEvent> lifecycleRecords(List<ProducerRecord<byte[], byte[]>> out) {
    return out.stream()
        .filter(r -> r.topic().equals(topics.events().name()))
        .map(r -> topics.events().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .toList();
  }

  private static ProducerRecord<byte[], byte[]> record(String id) {
    return new ProducerRecord<>("out", id.getBytes(StandardCharsets.UTF_8));
  }
}

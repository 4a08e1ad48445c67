package dev.runex.workers.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * since the attempt started.
 */
class AttemptSendsTest {
  private static final ConsumerGroupMetadata GROUP =
      new ConsumerGroupMetadata("g", 1, "m", Optional.empty());
  private static final TopicPartition IN = new TopicPartition("in", 0);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final OutputTransaction tx = new OutputTransaction(producer);
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

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
            tx.generation(), () -> true, List.of(record("a")), () -> announced.set(true));

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

    boolean sent = tx.trySendFromAttempt(startedIn, () -> true, List.of(record("a")), () -> {});

    assertThat(sent).isFalse();
    assertThat(tx.isOpen()).isFalse(); // not even a new transaction was begun
  }

  @Test
  void refusesAnAttemptThatIsNoLongerLive() {
    boolean sent =
        tx.trySendFromAttempt(tx.generation(), () -> false, List.of(record("a")), () -> {});

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
                          tx.generation(), () -> true, List.of(record("a")), () -> {}));
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
    List<Future<?>> senders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      senders.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 500; ) {
                  String id = thread + "-" + i;
                  if (tx.trySendFromAttempt(
                      tx.generation(), () -> true, List.of(record(id)), () -> news.add(id))) {
                    sent.incrementAndGet();
                    i++;
                  } else {
                    Thread.yield(); // refused while the poll loop commits: try again
                  }
                }
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
    }
    for (Future<?> f : senders) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertThat(sent).hasValue(2000);
    assertThat(producer.commitCount()).isGreaterThan(1);
  }

  private static ProducerRecord<byte[], byte[]> record(String id) {
    return new ProducerRecord<>("out", id.getBytes(StandardCharsets.UTF_8));
  }
}

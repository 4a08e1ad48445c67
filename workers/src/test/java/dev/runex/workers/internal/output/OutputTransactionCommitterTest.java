package dev.runex.workers.internal.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commits completed by a committer of their own ({@link OutputTransaction#startCommit}): the test
 * is the committer, running the queued commit when it chooses, so every interleaving is fixed.
 */
class OutputTransactionCommitterTest {
  private static final ConsumerGroupMetadata GROUP =
      new ConsumerGroupMetadata("g", 1, "m", Optional.empty());
  private static final Map<TopicPartition, OffsetAndMetadata> FIRST =
      Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(5));
  private static final Map<TopicPartition, OffsetAndMetadata> SECOND =
      Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(9));

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final Queue<Runnable> committer = new ArrayDeque<>();
  private final OutputTransaction tx =
      new OutputTransaction(
          producer,
          () -> {
            throw new IllegalStateException("not replaced here");
          },
          p -> {},
          committer::add);

  @BeforeEach
  void init() {
    tx.init();
  }

  @Test
  void recordsSentWhileACommitRunsGoIntoTheNextTransaction() throws Exception {
    tx.send(record("a"));

    assertThat(tx.startCommit(() -> FIRST, GROUP)).isTrue();
    tx.send(record("b"));
    tx.hold();

    // the commit has not completed: nothing is visible, and b is not in its transaction
    assertThat(tx.finishCommit(false)).isNull();
    assertThat(producer.history()).isEmpty();
    assertThat(values(producer.uncommittedRecords())).containsExactly("a");

    runCommitter();
    OutputTransaction.Committed done = tx.finishCommit(false);

    assertThat(done.offsets()).isEqualTo(FIRST);
    assertThat(values(producer.history())).containsExactly("a");
    assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("g", FIRST));
    assertThat(tx.isOpen()).as("b waits for the next commit").isTrue();

    tx.commit(SECOND, GROUP);

    assertThat(values(producer.history())).containsExactly("a", "b");
    assertThat(producer.consumerGroupOffsetsHistory())
        .containsExactly(Map.of("g", FIRST), Map.of("g", SECOND));
  }

  @Test
  void anAttemptsThreadIsRefusedWhileACommitRunsAndMaySendAfterIt() throws Exception {
    tx.send(record("a"));
    long generation = tx.generation();
    tx.startCommit(() -> FIRST, GROUP);

    assertThat(trySend(generation, "late")).isFalse();

    runCommitter();
    tx.finishCommit(true);

    assertThat(trySend(generation, "after")).isTrue();
    tx.commit(SECOND, GROUP);
    assertThat(values(producer.history())).containsExactly("a", "after");
  }

  @Test
  void aFailedCommitForgetsWhatWasKeptAndRefusesAttemptsStartedWhileItRan() throws Exception {
    tx.send(record("a"));
    tx.startCommit(() -> FIRST, GROUP);
    long startedWhileCommitting = tx.generation();
    tx.send(record("b"));
    producer.commitTransactionException = new CommitFailedException("generation moved on");

    runCommitter();

    assertThatThrownBy(() -> tx.finishCommit(true)).isInstanceOf(AbortedTransactionException.class);
    assertThat(producer.transactionAborted()).isTrue();
    assertThat(tx.isOpen()).as("b was forgotten with the aborted transaction").isFalse();
    assertThat(trySend(startedWhileCommitting, "zombie")).isFalse();

    producer.commitTransactionException = null;
    tx.send(record("c"));
    tx.commit(SECOND, GROUP);
    assertThat(values(producer.history())).containsExactly("c");
  }

  @Test
  void nothingElseChangesTheTransactionWhileACommitRuns() throws Exception {
    assertThatThrownBy(() -> tx.finishCommit(true)).isInstanceOf(IllegalStateException.class);
    tx.send(record("a"));
    tx.startCommit(() -> FIRST, GROUP);

    assertThatThrownBy(tx::abort).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tx.exclusively(() -> {})).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tx.startCommit(() -> SECOND, GROUP))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tx.commit(SECOND, GROUP)).isInstanceOf(IllegalStateException.class);

    runCommitter();
    tx.finishCommit(true);
    assertThat(tx.commitRunning()).isFalse();
    assertThat(values(producer.history())).containsExactly("a");
  }

  @Test
  void nothingToCommitStartsNoCommit() throws Exception {
    assertThat(tx.startCommit(Map::of, GROUP)).isFalse();
    assertThat(tx.commitRunning()).isFalse();
    assertThat(committer).isEmpty();
  }

  private boolean trySend(long generation, String value) {
    return tx.trySendFromAttempt(generation, () -> true, () -> List.of(record(value)), () -> {});
  }

  private void runCommitter() {
    assertThat(committer).as("a commit was handed to the committer").hasSize(1);
    committer.poll().run();
  }

  private static ProducerRecord<byte[], byte[]> record(String value) {
    return new ProducerRecord<>("out", value.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> values(List<ProducerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }
}

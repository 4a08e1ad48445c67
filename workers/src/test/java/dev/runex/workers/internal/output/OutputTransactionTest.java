package dev.runex.workers.internal.output;

import static dev.runex.workers.internal.output.OutputTransaction.classify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.workers.internal.output.OutputTransaction.FailureKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutputTransactionTest {
  private static final ConsumerGroupMetadata GROUP =
      new ConsumerGroupMetadata("g", 1, "m", Optional.empty());
  private static final Map<TopicPartition, OffsetAndMetadata> OFFSETS =
      Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(5));
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final OutputTransaction tx = new OutputTransaction(producer);

  @BeforeEach
  void init() {
    tx.init();
  }

  @Test
  void commitsSentRecordsTogetherWithTheOffsets() throws Exception {
    tx.send(record());

    tx.commit(OFFSETS, GROUP);

    assertThat(producer.history()).hasSize(1);
    assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("g", OFFSETS));
    assertThat(tx.isOpen()).isFalse();
  }

  @Test
  void recordsKeptBackAreSentWhenTheTransactionCommitsAndForgottenWhenItAborts() throws Exception {
    // given: a source that keeps one record back per hold
    List<ProducerRecord<byte[], byte[]>> kept = new ArrayList<>();
    tx.deferFrom(
        new OutputTransaction.Deferred() {
          @Override
          public List<ProducerRecord<byte[], byte[]>> release() {
            List<ProducerRecord<byte[], byte[]>> out = List.copyOf(kept);
            kept.clear();
            return out;
          }

          @Override
          public void discard() {
            kept.clear();
          }
        });

    // when: kept back, then committed
    tx.hold();
    kept.add(record());

    // then: the transaction was open for it, and the commit sent it
    assertThat(tx.isOpen()).isTrue();
    tx.commit(OFFSETS, GROUP);
    assertThat(producer.history()).hasSize(1);

    // when: kept back, then aborted
    tx.hold();
    kept.add(record());
    tx.abort();

    // then
    assertThat(kept).isEmpty();
    tx.commit(OFFSETS, GROUP);
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void commitsNothingWhenNothingHappened() throws Exception {
    tx.commit(Map.of(), GROUP);

    assertThat(producer.commitCount()).isZero();
  }

  @Test
  void abortableCommitFailureAbortsAndAsksForARewind() {
    tx.send(record());
    producer.commitTransactionException = new CommitFailedException("generation moved on");

    assertThatThrownBy(() -> tx.commit(OFFSETS, GROUP))
        .isInstanceOf(AbortedTransactionException.class);
    assertThat(producer.transactionAborted()).isTrue();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aFencedProducerIsLostAndSaysItWasFenced() {
    tx.send(record());
    producer.commitTransactionException = new ProducerFencedException("epoch bumped");

    assertThatThrownBy(() -> tx.commit(OFFSETS, GROUP))
        .isInstanceOfSatisfying(ProducerLostException.class, e -> assertThat(e.fenced()).isTrue());
    assertThat(producer.closed()).isTrue();
    assertThat(tx.isReady()).isFalse();
  }

  @Test
  void aProducerLostOtherwiseWasNotFenced() {
    tx.send(record());
    producer.commitTransactionException = new InvalidProducerEpochException("epoch bumped");

    assertThatThrownBy(() -> tx.commit(OFFSETS, GROUP))
        .isInstanceOfSatisfying(ProducerLostException.class, e -> assertThat(e.fenced()).isFalse());
  }

  @Test
  void aFencedInstanceIdIsFatal() {
    tx.send(record());
    producer.commitTransactionException = new FencedInstanceIdException("same instance id");

    assertThatThrownBy(() -> tx.commit(OFFSETS, GROUP))
        .isInstanceOf(FatalTransactionException.class);
  }

  @Test
  void aTransactionAbortedByTheCoordinatorLosesTheProducerInsteadOfStoppingTheWorker() {
    // given: the broker was frozen past the transaction timeout; the coordinator bumped the epoch
    List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
    OutputTransaction replaceable = replaceable(made);
    replaceable.init();
    replaceable.send(record());
    made.get(0).commitTransactionException = new InvalidProducerEpochException("epoch bumped");
    // when / then
    assertThatThrownBy(() -> replaceable.commit(OFFSETS, GROUP))
        .isInstanceOf(ProducerLostException.class);
    assertThat(made.get(0).closed()).isTrue();
    assertThat(replaceable.isReady()).isFalse();
  }

  @Test
  void aLostProducerIsReplacedByInitAndTheNewOneCommits() throws Exception {
    // given
    List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
    List<Object> bound = new ArrayList<>();
    OutputTransaction replaceable =
        new OutputTransaction(fresh(made), () -> fresh(made), bound::add);
    replaceable.init();
    replaceable.send(record());
    made.get(0).commitTransactionException = new TimeoutException("broker frozen");
    assertThatThrownBy(() -> replaceable.commit(OFFSETS, GROUP))
        .isInstanceOf(ProducerLostException.class);
    // when
    replaceable.init();
    replaceable.send(record());
    replaceable.commit(OFFSETS, GROUP);
    // then
    assertThat(made).hasSize(2);
    assertThat(bound).containsExactlyElementsOf(made);
    assertThat(made.get(0).history()).isEmpty();
    assertThat(made.get(1).history()).hasSize(1);
    assertThat(made.get(1).consumerGroupOffsetsHistory()).containsExactly(Map.of("g", OFFSETS));
  }

  @Test
  void anAbortThatFailsLosesTheProducer() {
    List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
    OutputTransaction replaceable = replaceable(made);
    replaceable.init();
    replaceable.send(record());
    made.get(0).abortTransactionException = new TimeoutException("broker away");

    assertThatThrownBy(replaceable::abort).isInstanceOf(ProducerLostException.class);
    assertThat(replaceable.isReady()).isFalse();
  }

  @Test
  void nothingIsSentOrCommittedWithALostProducerUntilANewOneIsReady() {
    List<MockProducer<byte[], byte[]>> made = new ArrayList<>();
    OutputTransaction replaceable = replaceable(made);
    replaceable.init();
    replaceable.send(record());
    made.get(0).abortTransactionException = new TimeoutException("broker away");
    assertThatThrownBy(replaceable::abort).isInstanceOf(ProducerLostException.class);

    assertThatThrownBy(() -> replaceable.send(record())).isInstanceOf(ProducerLostException.class);
    assertThatThrownBy(() -> replaceable.commit(OFFSETS, GROUP))
        .isInstanceOf(ProducerLostException.class);
    assertThat(made).hasSize(1);
  }

  @Test
  void classifiesFailuresThroughTheCauseChain() {
    assertThat(classify(new KafkaException("wrapped", new ProducerFencedException("x"))))
        .isEqualTo(FailureKind.PRODUCER_LOST);
    assertThat(classify(new FencedInstanceIdException("x"))).isEqualTo(FailureKind.FATAL);
    assertThat(classify(new KafkaException("wrapped", new FencedInstanceIdException("x"))))
        .isEqualTo(FailureKind.FATAL);
    assertThat(classify(new KafkaException("wrapped", new InvalidProducerEpochException("x"))))
        .isEqualTo(FailureKind.PRODUCER_LOST);
    assertThat(classify(new TimeoutException("x"))).isEqualTo(FailureKind.PRODUCER_LOST);
    assertThat(classify(new InvalidPidMappingException("x"))).isEqualTo(FailureKind.PRODUCER_LOST);
    assertThat(classify(new CommitFailedException("stale generation")))
        .isEqualTo(FailureKind.ABORTABLE);
    // a member the group expired (e.g. after a frozen broker) rejoins; it was fatal before
    assertThat(classify(new IllegalGenerationException("x"))).isEqualTo(FailureKind.ABORTABLE);
    assertThat(classify(new UnknownMemberIdException("x"))).isEqualTo(FailureKind.ABORTABLE);
    assertThat(classify(new KafkaException("broker went away"))).isEqualTo(FailureKind.ABORTABLE);
  }

  private static OutputTransaction replaceable(List<MockProducer<byte[], byte[]>> made) {
    return new OutputTransaction(fresh(made), () -> fresh(made), p -> {});
  }

  private static MockProducer<byte[], byte[]> fresh(List<MockProducer<byte[], byte[]>> made) {
    MockProducer<byte[], byte[]> p =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    made.add(p);
    return p;
  }

  private static ProducerRecord<byte[], byte[]> record() {
    return new ProducerRecord<>("out", 0, new byte[] {1}, new byte[] {2});
  }
}

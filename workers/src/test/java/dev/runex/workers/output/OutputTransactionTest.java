package dev.runex.workers.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
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
  void fencingIsFatal() {
    tx.send(record());
    producer.commitTransactionException = new ProducerFencedException("another instance took over");

    assertThatThrownBy(() -> tx.commit(OFFSETS, GROUP))
        .isInstanceOf(FatalTransactionException.class);
  }

  @Test
  void commitThatKeepsTimingOutIsFatalBecauseItsOutcomeIsUnknown() {
    tx.send(record());
    producer.commitTransactionException = new TimeoutException("coordinator slow");

    assertThatThrownBy(() -> tx.commit(OFFSETS, GROUP))
        .isInstanceOf(FatalTransactionException.class);
  }

  @Test
  void classifiesFatalErrorsThroughTheCauseChain() {
    assertThat(
            OutputTransaction.isFatal(
                new KafkaException("wrapped", new ProducerFencedException("x"))))
        .isTrue();
    assertThat(OutputTransaction.isFatal(new CommitFailedException("stale generation"))).isFalse();
    assertThat(OutputTransaction.isFatal(new KafkaException("broker went away"))).isFalse();
  }

  private static ProducerRecord<byte[], byte[]> record() {
    return new ProducerRecord<>("out", 0, new byte[] {1}, new byte[] {2});
  }
}

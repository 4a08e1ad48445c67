package dev.runex.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.launcher.local.TransactionOutcomes.Entry;
import dev.runex.launcher.local.TransactionOutcomes.Outcome;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogKey;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue.PartitionsSchema;
import org.junit.jupiter.api.Test;

class TransactionOutcomesTest {
  private static final String ID = "app.worker.default.w3";
  private static final TopicPartition RETRY = new TopicPartition("app.retry", 3);
  private static final TopicPartition EVENTS = new TopicPartition("app.events", 3);
  private static final long PID = 4;

  private static Entry entry(int epoch, TransactionState state, TopicPartition... partitions) {
    return entry(2, epoch, state, partitions);
  }

  private static Entry entry(
      int transactionVersion, int epoch, TransactionState state, TopicPartition... partitions) {
    return new Entry(ID, PID, (short) epoch, state, Set.of(partitions), (short) transactionVersion);
  }

  @Test
  void aCommitPreparedAtTheRecordsEpochPlusOneCommitsThemUnderTransactionVersion2() {
    // the log of a worker's producer around a broker kill: the transaction written at epoch 571
    // was prepared for commit (epoch 572), then the producer went on with more transactions
    List<Entry> log =
        List.of(
            entry(571, TransactionState.ONGOING, EVENTS, RETRY),
            entry(572, TransactionState.PREPARE_COMMIT, EVENTS, RETRY),
            entry(572, TransactionState.COMPLETE_COMMIT),
            entry(572, TransactionState.ONGOING, EVENTS),
            entry(573, TransactionState.PREPARE_ABORT, EVENTS),
            entry(573, TransactionState.COMPLETE_ABORT));
    assertThat(TransactionOutcomes.decide(log, ID, PID, (short) 571, RETRY))
        .isEqualTo(Outcome.COMMITTED);
    // the next transaction (records at 572) was aborted; it did not touch the retry partition
    assertThat(TransactionOutcomes.decide(log, ID, PID, (short) 572, EVENTS))
        .isEqualTo(Outcome.ABORTED);
    assertThat(TransactionOutcomes.decide(log, ID, PID, (short) 572, RETRY))
        .isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void aTimedOutTransactionIsAbortedAndAnOngoingOneIsUndecided() {
    List<Entry> timedOut =
        List.of(
            entry(9, TransactionState.ONGOING, RETRY),
            entry(10, TransactionState.PREPARE_ABORT, RETRY));
    assertThat(TransactionOutcomes.decide(timedOut, ID, PID, (short) 9, RETRY))
        .isEqualTo(Outcome.ABORTED);
    List<Entry> fenced =
        List.of(
            entry(9, TransactionState.ONGOING, RETRY),
            entry(10, TransactionState.PREPARE_EPOCH_FENCE, RETRY));
    assertThat(TransactionOutcomes.decide(fenced, ID, PID, (short) 9, RETRY))
        .isEqualTo(Outcome.ABORTED);
    assertThat(
            TransactionOutcomes.decide(
                List.of(entry(9, TransactionState.ONGOING, RETRY)), ID, PID, (short) 9, RETRY))
        .isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void anotherProducerOrTransactionalIdDecidesNothing() {
    List<Entry> log =
        List.of(
            new Entry(
                ID, PID + 1, (short) 10, TransactionState.PREPARE_ABORT, Set.of(RETRY), (short) 2),
            new Entry(
                "other",
                PID,
                (short) 10,
                TransactionState.PREPARE_ABORT,
                Set.of(RETRY),
                (short) 2));
    assertThat(TransactionOutcomes.decide(log, ID, PID, (short) 9, RETRY))
        .isEqualTo(Outcome.UNKNOWN);
  }

  @Test
  void beforeTransactionVersion2TheDecisionCarriesTheRecordsEpochAndTheLastOneCounts() {
    List<Entry> log =
        List.of(
            entry(0, 5, TransactionState.PREPARE_ABORT, RETRY),
            entry(0, 5, TransactionState.PREPARE_COMMIT, RETRY),
            entry(0, 6, TransactionState.PREPARE_ABORT, RETRY));
    assertThat(TransactionOutcomes.decide(log, ID, PID, (short) 5, RETRY))
        .isEqualTo(Outcome.COMMITTED);
  }

  @Test
  void readsTheCoordinatorsRecordFormat() {
    TransactionLogKey key = new TransactionLogKey().setTransactionalId(ID);
    TransactionLogValue value =
        new TransactionLogValue()
            .setProducerId(PID)
            .setProducerEpoch((short) 572)
            .setTransactionTimeoutMs(15_000)
            .setTransactionStatus(TransactionState.PREPARE_COMMIT.id())
            .setTransactionPartitions(
                List.of(
                    new PartitionsSchema().setTopic("app.retry").setPartitionIds(List.of(3)),
                    new PartitionsSchema().setTopic("app.events").setPartitionIds(List.of(1, 3))))
            .setClientTransactionVersion((short) 2);
    Entry e =
        TransactionOutcomes.parse(
            MessageUtil.toVersionPrefixedByteBuffer((short) 0, key),
            MessageUtil.toVersionPrefixedByteBuffer((short) 1, value));
    assertThat(e)
        .isEqualTo(
            new Entry(
                ID,
                PID,
                (short) 572,
                TransactionState.PREPARE_COMMIT,
                Set.of(RETRY, EVENTS, new TopicPartition("app.events", 1)),
                (short) 2));
    assertThat(
            TransactionOutcomes.parse(
                MessageUtil.toVersionPrefixedByteBuffer((short) 0, key), null))
        .as("a tombstone")
        .isNull();
  }

  @Test
  void findsTheLogPartitionAsKafkaDoes() {
    // where a broker with five coordinator partitions kept these ids' records
    assertThat(TransactionOutcomes.partitionFor("torture-r1.worker.default.w3", 5)).isEqualTo(1);
    assertThat(TransactionOutcomes.partitionFor("torture-r1.worker.default.w1", 5)).isEqualTo(4);
  }
}

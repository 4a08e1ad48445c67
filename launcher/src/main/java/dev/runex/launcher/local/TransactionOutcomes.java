package dev.runex.launcher.local;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.coordinator.transaction.TransactionState;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogKey;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;

/**
 * What a transaction coordinator decided about one transaction, read back from its log ({@code
 * __transaction_state}). A coordinator writes the decision (prepare-commit or prepare-abort, with
 * the transaction's partitions) before any marker; the log keeps it after the markers went missing.
 *
 * <p>Which log entry belongs to a partition's open transaction: the one of the same transactional
 * id and producer id that lists the partition, at the epoch its records were written with (clients
 * of transaction version 2 end every transaction with a bumped epoch, so their decision carries the
 * records' epoch plus one). When several match, the last one written decides.
 */
final class TransactionOutcomes {
  /** The coordinator's topic. */
  static final String TOPIC = "__transaction_state";

  /** How far before the transaction's last record the log is read from. */
  static final Duration LOOK_BACK = Duration.ofMinutes(5);

  private TransactionOutcomes() {}

  /** A coordinator's decision about a partition's open transaction. */
  enum Outcome {
    COMMITTED,
    ABORTED,
    /** No decision of the coordinator found for it. */
    UNKNOWN
  }

  /** One entry of the coordinator's log, as far as a decision needs it. */
  record Entry(
      String transactionalId,
      long producerId,
      short producerEpoch,
      TransactionState state,
      Set<TopicPartition> partitions,
      short clientTransactionVersion) {}

  /**
   * The decision about the transaction of {@code producerId} open on {@code partition} whose
   * records carry {@code recordsEpoch}, from the coordinator's log {@code entries} in log order.
   */
  static Outcome decide(
      List<Entry> entries,
      String transactionalId,
      long producerId,
      short recordsEpoch,
      TopicPartition partition) {
    Outcome outcome = Outcome.UNKNOWN;
    for (Entry e : entries) {
      if (!e.transactionalId().equals(transactionalId)
          || e.producerId() != producerId
          || !e.partitions().contains(partition)) {
        continue;
      }
      int decisionEpoch = e.clientTransactionVersion() >= 2 ? recordsEpoch + 1 : recordsEpoch;
      if (e.producerEpoch() != decisionEpoch) {
        continue;
      }
      switch (e.state()) {
        case PREPARE_COMMIT -> outcome = Outcome.COMMITTED;
        case PREPARE_ABORT, PREPARE_EPOCH_FENCE -> outcome = Outcome.ABORTED;
        default -> {
          // ongoing: the transaction was still being written then
        }
      }
    }
    return outcome;
  }

  /** The coordinator log's partition for {@code transactionalId}, as Kafka assigns it. */
  static int partitionFor(String transactionalId, int partitions) {
    return Utils.abs(transactionalId.hashCode()) % partitions;
  }

  /**
   * Reads the entries of {@code transactionalId} from the coordinator's log, from {@link
   * #LOOK_BACK} before {@code sinceMillis} to its end.
   */
  static List<Entry> read(
      String bootstrapServers, String transactionalId, int logPartitions, long sinceMillis) {
    TopicPartition tp = new TopicPartition(TOPIC, partitionFor(transactionalId, logPartitions));
    List<Entry> entries = new ArrayList<>();
    try (KafkaConsumer<ByteBuffer, ByteBuffer> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "runex-hanging-transaction-guard-reader",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false"),
            new ByteBufferDeserializer(),
            new ByteBufferDeserializer())) {
      consumer.assign(List.of(tp));
      Duration timeout = Duration.ofSeconds(10);
      long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
      OffsetAndTimestamp from =
          consumer
              .offsetsForTimes(Map.of(tp, Math.max(0, sinceMillis - LOOK_BACK.toMillis())), timeout)
              .get(tp);
      if (from == null) {
        return entries; // nothing written since
      }
      consumer.seek(tp, from.offset());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(tp, timeout) < end) {
        if (System.nanoTime() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "reading "
                  + tp
                  + " up to offset "
                  + end
                  + " took over "
                  + timeout.toSeconds()
                  + " s");
        }
        for (ConsumerRecord<ByteBuffer, ByteBuffer> r : consumer.poll(Duration.ofMillis(200))) {
          Entry e = parse(r.key(), r.value());
          if (e != null && e.transactionalId().equals(transactionalId)) {
            entries.add(e);
          }
        }
      }
    }
    return entries;
  }

  /** One record of the coordinator's log; null for a tombstone or a version this cannot read. */
  static Entry parse(ByteBuffer key, ByteBuffer value) {
    if (key == null || value == null) {
      return null;
    }
    short keyVersion = key.getShort();
    short valueVersion = value.getShort();
    if (keyVersion > TransactionLogKey.HIGHEST_SUPPORTED_VERSION
        || valueVersion > TransactionLogValue.HIGHEST_SUPPORTED_VERSION) {
      return null;
    }
    TransactionLogKey k = new TransactionLogKey(new ByteBufferAccessor(key), keyVersion);
    TransactionLogValue v = new TransactionLogValue(new ByteBufferAccessor(value), valueVersion);
    Set<TopicPartition> partitions = new HashSet<>();
    if (v.transactionPartitions() != null) {
      v.transactionPartitions()
          .forEach(
              t -> t.partitionIds().forEach(p -> partitions.add(new TopicPartition(t.topic(), p))));
    }
    return new Entry(
        k.transactionalId(),
        v.producerId(),
        v.producerEpoch(),
        TransactionState.fromId(v.transactionStatus()),
        partitions,
        v.clientTransactionVersion());
  }
}

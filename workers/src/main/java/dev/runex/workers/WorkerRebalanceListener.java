package dev.runex.workers;

import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands rebalance callbacks (which run on the poll thread, inside {@code poll}) to {@link
 * WorkerTransactions}, never letting an exception escape into the consumer: a failure there is
 * recorded and stops the loop right after {@code poll} returns.
 */
final class WorkerRebalanceListener implements ConsumerRebalanceListener {
  private final WorkerTransactions transactions;

  WorkerRebalanceListener(WorkerTransactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    transactions.guarded(() -> transactions.onAssigned(partitions));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    transactions.guarded(() -> transactions.onRevoked(partitions));
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    transactions.guarded(() -> transactions.onLost(partitions));
  }
}

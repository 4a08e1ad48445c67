package dev.runex.workers.output;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The worker's transactional producer: a transaction begins with the first record sent after a
 * commit, and one commit carries every record sent since plus the consumed offsets ({@code
 * sendOffsetsToTransaction} with the consumer's group metadata, so a zombie of an older group
 * generation is fenced: KIP-447). Only the poll-loop thread calls it.
 *
 * <p>Error handling follows the producer's contract: fencing, authorization and protocol errors are
 * fatal ({@link FatalTransactionException}: stop the worker); a commit that times out is retried
 * (its outcome is unknown until it completes); any other failure aborts the transaction and is
 * reported as {@link AbortedTransactionException} so the caller rewinds.
 */
public final class OutputTransaction implements AutoCloseable {
  private static final int COMMIT_TIMEOUT_RETRIES = 3;

  private final Producer<byte[], byte[]> producer;
  private boolean open;
  private volatile Exception sendFailure;

  public OutputTransaction(Producer<byte[], byte[]> producer) {
    this.producer = producer;
  }

  /** Registers the transactional id, aborting whatever a previous instance with it left open. */
  public void init() {
    try {
      producer.initTransactions();
    } catch (KafkaException e) {
      throw new FatalTransactionException(
          "cannot initialize the transactional producer: " + e.getMessage(), e);
    }
  }

  public boolean isOpen() {
    return open;
  }

  /** A send failed: the open transaction cannot commit and must be aborted. */
  public Exception sendFailure() {
    return sendFailure;
  }

  public void send(List<ProducerRecord<byte[], byte[]>> records) {
    for (ProducerRecord<byte[], byte[]> r : records) {
      send(r);
    }
  }

  public void send(ProducerRecord<byte[], byte[]> record) {
    begin();
    try {
      producer.send(
          record,
          (metadata, e) -> {
            if (e != null && sendFailure == null) {
              sendFailure = e;
            }
          });
    } catch (KafkaException e) {
      throwIfFatal("send", e);
      sendFailure = e;
    }
  }

  /**
   * Commits what was sent and {@code offsets} atomically. Opens (and commits) a transaction just
   * for the offsets when nothing was sent.
   */
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group)
      throws AbortedTransactionException {
    if (sendFailure != null) {
      Exception failure = sendFailure;
      abort();
      throw new AbortedTransactionException(
          "a send in the transaction failed: " + failure.getMessage(), failure);
    }
    if (!open && offsets.isEmpty()) {
      return;
    }
    try {
      begin();
      if (!offsets.isEmpty()) {
        producer.sendOffsetsToTransaction(offsets, group);
      }
      commitWithRetries();
      open = false;
    } catch (KafkaException e) {
      throwIfFatal("commit", e);
      abort();
      throw new AbortedTransactionException("transaction commit failed: " + e.getMessage(), e);
    }
  }

  /** Aborts the open transaction, if any: nothing sent in it becomes visible. */
  public void abort() {
    sendFailure = null;
    if (!open) {
      return;
    }
    open = false;
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      // an abort that fails leaves the producer in an unknown state: a restart recovers
      throw new FatalTransactionException("cannot abort the transaction: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  public void close(Duration timeout) {
    producer.close(timeout);
  }

  private void begin() {
    if (!open) {
      try {
        producer.beginTransaction();
      } catch (KafkaException e) {
        throw new FatalTransactionException("cannot begin a transaction: " + e.getMessage(), e);
      }
      open = true;
    }
  }

  private void commitWithRetries() {
    for (int attempt = 1; ; attempt++) {
      try {
        producer.commitTransaction();
        return;
      } catch (TimeoutException e) {
        if (attempt >= COMMIT_TIMEOUT_RETRIES) {
          // the commit may or may not have happened: only a restart (initTransactions) settles it
          throw new FatalTransactionException(
              "transaction commit timed out " + attempt + " times", e);
        }
      }
    }
  }

  /** Whether {@code e} (or a cause) means the producer or the group membership is unusable. */
  static boolean isFatal(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof ApplicationRecoverableException
          || t instanceof AuthorizationException
          || t instanceof AuthenticationException
          || t instanceof UnsupportedVersionException
          || t instanceof OutOfOrderSequenceException
          || t instanceof FatalTransactionException
          || t instanceof IllegalStateException) {
        return true;
      }
    }
    return false;
  }

  private static void throwIfFatal(String what, KafkaException e) {
    if (isFatal(e)) {
      throw new FatalTransactionException(
          "transactional " + what + " failed fatally: " + e.getMessage(), e);
    }
  }
}

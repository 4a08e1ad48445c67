package dev.runex.workers.internal.output;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's transactional producer: a transaction begins with the first record sent after a
 * commit, and one commit carries every record sent since plus the consumed offsets ({@code
 * sendOffsetsToTransaction} with the consumer's group metadata, so a zombie of an older group
 * generation is fenced: KIP-447). Only the poll-loop thread calls it.
 *
 * <p>Failures come in three kinds ({@link #classify}):
 *
 * <ul>
 *   <li>Fenced — another instance with the same transactional id ({@link ProducerFencedException})
 *       or group instance id ({@link FencedInstanceIdException}) took over; or the producer is not
 *       allowed or cannot work at all (authorization, protocol, configuration): {@link
 *       FatalTransactionException}, the worker stops.
 *   <li>Producer lost — the producer is unusable but nobody took over: the coordinator aborted a
 *       transaction that outlived its timeout and bumped the epoch ({@link
 *       InvalidProducerEpochException}), the producer id expired, a call timed out (a frozen or
 *       unreachable broker; a commit's outcome is then unknown): {@link ProducerLostException}. The
 *       producer is closed; {@link #init} makes a new one, whose {@code initTransactions} settles
 *       what the old one left (commits a transaction that was already committing, aborts any
 *       other), after which the caller re-reads its committed offsets.
 *   <li>Anything else aborts the transaction and is reported as {@link AbortedTransactionException}
 *       so the caller rewinds to its last commit.
 * </ul>
 *
 * <p>Records may also be kept back ({@link #hold}, from a {@link Deferred} source): they belong to
 * the open transaction but are only built when it commits, so that a later record of the same
 * transaction can take them in instead (a job's STARTED event and its end, as one record). An
 * abort, or the loss of the producer, forgets them with the rest of the transaction.
 */
public final class OutputTransaction implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputTransaction.class);

  /** What a failure of the producer means for the worker. */
  public enum FailureKind {
    FENCED,
    PRODUCER_LOST,
    ABORTABLE
  }

  /** Records kept back until the commit; see the class comment. */
  public interface Deferred {
    /** The records kept back, to send now: the transaction commits. Forgets them. */
    List<ProducerRecord<byte[], byte[]>> release();

    /** Forgets the records kept back: the transaction aborts or the producer is gone. */
    void discard();
  }

  private final Supplier<Producer<byte[], byte[]>> factory;
  private Deferred deferred;
  private final Consumer<Producer<byte[], byte[]>> onNewProducer;
  private Producer<byte[], byte[]> producer;
  private Producer<byte[], byte[]> spare;
  private boolean ready;
  private boolean open;
  private volatile Exception sendFailure;

  /** A transaction on {@code producer} that cannot be replaced (tests). */
  public OutputTransaction(Producer<byte[], byte[]> producer) {
    this(
        producer,
        () -> {
          throw new IllegalStateException("this producer cannot be replaced");
        },
        p -> {});
  }

  /**
   * A transaction on {@code first}; when it is lost, {@code factory} makes the next producer and
   * {@code onNewProducer} hears of it (to bind its metrics).
   */
  public OutputTransaction(
      Producer<byte[], byte[]> first,
      Supplier<Producer<byte[], byte[]>> factory,
      Consumer<Producer<byte[], byte[]>> onNewProducer) {
    this.spare = first;
    this.factory = factory;
    this.onNewProducer = onNewProducer;
  }

  /**
   * Makes the producer ready (a new one after a loss) and registers the transactional id, which
   * aborts whatever an earlier producer with it left open.
   *
   * @throws FatalTransactionException when another instance holds the id, or the producer cannot
   *     work at all
   * @throws ProducerLostException when it failed for now (e.g. the broker is unreachable): call
   *     again later
   */
  public void init() {
    if (ready) {
      return;
    }
    if (producer == null) {
      producer = spare != null ? spare : factory.get();
      spare = null;
      onNewProducer.accept(producer);
    }
    try {
      producer.initTransactions();
      ready = true;
      open = false;
      sendFailure = null;
    } catch (KafkaException e) {
      throw failed("initialize the transactional producer", e);
    }
  }

  /** Whether {@link #init} succeeded since the producer was last lost. */
  public boolean isReady() {
    return ready;
  }

  public boolean isOpen() {
    return open;
  }

  /** A send failed: the open transaction cannot commit and must be aborted. */
  public Exception sendFailure() {
    return sendFailure;
  }

  /** Where records kept back by {@link #hold} come from (one source per transaction). */
  public void deferFrom(Deferred source) {
    this.deferred = source;
  }

  /**
   * Opens the transaction for a record its {@link Deferred} source keeps back: it is sent at the
   * commit (unless a later record took it in), or forgotten with an abort.
   */
  public void hold() {
    begin();
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
      if (classify(e) != FailureKind.ABORTABLE) {
        throw failed("send", e);
      }
      sendFailure = e;
    }
  }

  /**
   * Commits what was sent and {@code offsets} atomically. Opens (and commits) a transaction just
   * for the offsets when nothing was sent.
   *
   * @throws AbortedTransactionException the transaction was aborted: rewind to the last commit
   * @throws ProducerLostException the producer is gone, the commit's outcome may be unknown
   * @throws FatalTransactionException fenced: stop
   */
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group)
      throws AbortedTransactionException {
    requireReady();
    if (deferred != null) {
      send(deferred.release());
    }
    if (sendFailure != null) {
      Exception failure = sendFailure;
      if (classify(failure) != FailureKind.ABORTABLE) {
        throw failed("send", failure);
      }
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
      producer.commitTransaction();
      open = false;
    } catch (KafkaException e) {
      if (classify(e) != FailureKind.ABORTABLE) {
        throw failed("commit", e);
      }
      abort();
      throw new AbortedTransactionException("transaction commit failed: " + e.getMessage(), e);
    }
  }

  /**
   * Aborts the open transaction, if any: nothing sent in it becomes visible.
   *
   * @throws ProducerLostException when the abort failed: the producer is gone (a new one aborts the
   *     transaction when it starts)
   */
  public void abort() {
    discardDeferred();
    sendFailure = null;
    if (!open) {
      return;
    }
    open = false;
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      throw failed("abort", e);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  public void close(Duration timeout) {
    if (producer != null) {
      producer.close(timeout);
    } else if (spare != null) {
      spare.close(timeout);
    }
  }

  private void begin() {
    requireReady();
    if (!open) {
      try {
        producer.beginTransaction();
      } catch (KafkaException e) {
        throw failed("begin a transaction", e);
      }
      open = true;
    }
  }

  private void requireReady() {
    if (!ready) {
      throw new ProducerLostException(
          "the transactional producer is not initialized (lost earlier, not yet replaced)", null);
    }
  }

  /**
   * The exception for a failed {@code what}: fencing is fatal; anything else loses the producer,
   * which is closed at once (a new one is made by {@link #init}).
   */
  private RuntimeException failed(String what, Exception e) {
    if (classify(e) == FailureKind.FENCED) {
      return new FatalTransactionException(
          "transactional " + what + " failed fatally: " + e.getMessage(), e);
    }
    discardProducer();
    return new ProducerLostException(
        "transactional " + what + " failed (" + e + "); the producer is replaced", e);
  }

  private void discardDeferred() {
    if (deferred != null) {
      deferred.discard();
    }
  }

  private void discardProducer() {
    discardDeferred();
    ready = false;
    open = false;
    sendFailure = null;
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        log.debug("closing the lost producer: {}", e.toString());
      }
      producer = null;
    }
  }

  /** What {@code e} (or a cause) means for the producer and the worker; see the class comment. */
  public static FailureKind classify(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    FailureKind kind = FailureKind.ABORTABLE;
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof ProducerFencedException
          || t instanceof FencedInstanceIdException
          || t instanceof AuthorizationException
          || t instanceof AuthenticationException
          || t instanceof UnsupportedVersionException
          || t instanceof ConfigException
          || t instanceof FatalTransactionException) {
        return FailureKind.FENCED;
      }
      if (t instanceof InvalidProducerEpochException
          || t instanceof InvalidPidMappingException
          || t instanceof OutOfOrderSequenceException
          || t instanceof TimeoutException
          || t instanceof IllegalStateException
          || t instanceof ProducerLostException) {
        kind = FailureKind.PRODUCER_LOST;
      }
    }
    return kind;
  }
}

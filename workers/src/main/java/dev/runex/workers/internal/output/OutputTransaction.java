package dev.runex.workers.internal.output;

import dev.runex.workers.internal.Causes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
 * generation is fenced: KIP-447). The poll-loop thread calls everything; an attempt's own thread
 * may send its records too, through {@link #trySendFromAttempt}, so the poll loop need not.
 *
 * <p>The invariant that keeps a job's outputs and its offset in one transaction: an attempt's
 * thread sends only while holding the shared side of a gate, and before releasing it hands the poll
 * loop the news that it did ({@code announce}); the poll loop commits, aborts, replaces the
 * producer and abandons attempts before a last commit only while holding the exclusive side, and a
 * commit first takes in every such news (finishing those offsets) and only then reads the offsets
 * it commits. So every record an attempt's thread sent is in a transaction that either aborts or
 * commits with the attempt's offset. A send is refused (the poll loop then sends the records
 * itself) unless the gate is free at once (an attempt never waits for a commit), the producer is
 * ready, no send failed, the attempt is still live, and no abort or producer loss happened since
 * the attempt started ({@link #generation}: an abort always abandons every running attempt, so an
 * attempt that survived none may still write).
 *
 * <p>A commit may run on a thread of its own ({@link #startCommit}, the committer the transaction
 * was made with), so that the poll loop goes on fetching and starting jobs while the broker
 * completes the transaction. Its records and offsets are fixed when it starts, under the exclusive
 * side of the gate, exactly as for a commit on the poll loop; while it runs, the poll loop's sends
 * and holds are kept for the next transaction (whose first records they are, in order, once {@link
 * #finishCommit} took the outcome), attempts' threads are refused as while the gate is held, and
 * nothing else may change the transaction. A commit that failed leaves no record of that time
 * behind: what was kept is forgotten and the generation moves on, so no attempt started before the
 * poll loop learned of the failure can write into a later transaction.
 *
 * <p>Failures come in three kinds ({@link #classify}):
 *
 * <ul>
 *   <li>Fatal — another instance with the same group instance id took over ({@link
 *       FencedInstanceIdException}), or the producer is not allowed or cannot work at all
 *       (authorization, protocol, configuration): {@link FatalTransactionException}, the worker
 *       stops.
 *   <li>Producer lost — the producer is unusable: the coordinator aborted a transaction that
 *       outlived its timeout and bumped the epoch (the producer's next request meets {@link
 *       InvalidProducerEpochException} or, from the coordinator, {@link ProducerFencedException}:
 *       which one depends on timing), the producer id expired, a call timed out (a frozen or
 *       unreachable broker; a commit's outcome is then unknown): {@link ProducerLostException},
 *       which says whether the producer was fenced ({@link ProducerLostException#fenced}). The
 *       producer is closed; {@link #init} makes a new one, whose {@code initTransactions} settles
 *       what the old one left (commits a transaction that was already committing, aborts any
 *       other), after which the caller re-reads its committed offsets. A fencing alone cannot tell
 *       a timed-out transaction from another instance that took the transactional id; the caller
 *       tells them apart by how often it happens.
 *   <li>Anything else aborts the transaction and is reported as {@link AbortedTransactionException}
 *       so the caller rewinds to its last commit.
 * </ul>
 *
 * <p>Records may also be kept back ({@link #hold}, from a {@link Deferred} source): they belong to
 * the open transaction but are only built when it commits, so that a later record of the same
 * transaction can take them in instead (a job's STARTED event and its end, as one record). An
 * abort, or the loss of the producer, forgets them with the rest of the transaction. They are
 * released inside the commit's exclusive section, after the news of attempts' sends was taken in:
 * an attempt's thread that took its STARTED in (under the shared side) did so before the release,
 * and one that did not will find it released.
 */
public final class OutputTransaction implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OutputTransaction.class);

  /** What a failure of the producer means for the worker. */
  public enum FailureKind {
    FATAL,
    PRODUCER_LOST,
    ABORTABLE
  }

  /** Records kept back until the commit; see the class comment. */
  public interface Deferred {
    /**
     * The records kept back, to send now: the transaction commits. Forgets them. Runs while no
     * attempt's thread sends.
     */
    List<ProducerRecord<byte[], byte[]>> release();

    /** Forgets the records kept back: the transaction aborts or the producer is gone. */
    void discard();
  }

  private final Supplier<Producer<byte[], byte[]>> factory;
  private Deferred deferred;
  private final Consumer<Producer<byte[], byte[]>> onNewProducer;
  private Producer<byte[], byte[]> producer;
  private Producer<byte[], byte[]> spare;
  private volatile boolean ready;
  private volatile boolean open;
  private volatile Exception sendFailure;

  /** Aborts and producer losses so far: see {@link #trySendFromAttempt}. */
  private volatile long generation;

  /**
   * Shared: an attempt's thread sending; exclusive: the poll loop changing the transaction. Fair,
   * and taken shared only by {@link #trySendFromAttempt} with a zero timeout, which then honours
   * the queue: once the poll loop waits for it, no new sender gets in, so a stream of attempts
   * cannot hold off a commit.
   */
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);

  /** Where {@link #startCommit} runs a commit: a thread of its own, or the caller's. */
  private final Executor committer;

  /**
   * The running commit's outcome, from {@link #startCommit} until {@link #finishCommit} took it:
   * meanwhile attempts' sends are refused and the poll loop's wait in {@link #kept}. The poll loop
   * sets it under the exclusive side of the gate, and clears it there after a failed commit.
   */
  private volatile CompletableFuture<Committed> running;

  /** The poll loop's records sent while a commit ran: the next transaction's first. */
  private final List<ProducerRecord<byte[], byte[]>> kept = new ArrayList<>();

  /** A record was held ({@link #hold}) while a commit ran: the next transaction opens after it. */
  private boolean heldWhileCommitting;

  /** A commit that succeeded: what it committed and how long the broker took. */
  public record Committed(Map<TopicPartition, OffsetAndMetadata> offsets, Duration took) {}

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
   * {@code onNewProducer} hears of it (to bind its metrics). Commits run on the caller's thread.
   */
  public OutputTransaction(
      Producer<byte[], byte[]> first,
      Supplier<Producer<byte[], byte[]>> factory,
      Consumer<Producer<byte[], byte[]>> onNewProducer) {
    this(first, factory, onNewProducer, Runnable::run);
  }

  /** As above, with {@link #startCommit}'s commits run by {@code committer}. */
  public OutputTransaction(
      Producer<byte[], byte[]> first,
      Supplier<Producer<byte[], byte[]>> factory,
      Consumer<Producer<byte[], byte[]>> onNewProducer,
      Executor committer) {
    this.spare = first;
    this.factory = factory;
    this.onNewProducer = onNewProducer;
    this.committer = committer;
  }

  /**
   * Makes the producer ready (a new one after a loss) and registers the transactional id, which
   * aborts whatever an earlier producer with it left open.
   *
   * @throws FatalTransactionException when the producer cannot work at all
   * @throws ProducerLostException when it failed for now (e.g. the broker is unreachable): call
   *     again later
   */
  public void init() {
    requireNoCommit("initialize the producer");
    exclusively(this::initExclusively);
  }

  private void initExclusively() {
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

  /** Whether outputs are pending: a transaction is open, or records wait for the next one. */
  public boolean isOpen() {
    return open || !kept.isEmpty() || heldWhileCommitting;
  }

  /** A send failed: the open transaction cannot commit and must be aborted. */
  public Exception sendFailure() {
    return sendFailure;
  }

  /**
   * How many aborts and producer losses happened so far; an attempt remembers it when it starts and
   * passes it to {@link #trySendFromAttempt}.
   */
  public long generation() {
    return generation;
  }

  /**
   * Sends the records {@code records} gives from an attempt's own thread into the open transaction
   * (opening one if needed) and, while still holding the gate, runs {@code announce}, which must
   * hand the poll loop the news that they were sent. {@code records} runs under the gate too, so it
   * may take in records kept back ({@link #hold}): no commit releases them meanwhile. Returns
   * false, sending nothing and announcing nothing, when the gate is held or wanted by the poll
   * loop, a commit runs, the producer is not ready, a send failed, {@code live} is false, or the
   * transaction was aborted (or the producer lost) since {@code attemptGeneration}; or when a send
   * threw (recorded as the send failure, so the transaction aborts). The caller then hands its
   * outputs to the poll loop to send.
   */
  public boolean trySendFromAttempt(
      long attemptGeneration,
      BooleanSupplier live,
      Supplier<List<ProducerRecord<byte[], byte[]>>> records,
      Runnable announce) {
    Lock shared = gate.readLock();
    try {
      if (!shared.tryLock(0, TimeUnit.NANOSECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // cancelled or timed out: the poll loop decides
      return false;
    }
    try {
      if (!ready
          || running != null
          || generation != attemptGeneration
          || sendFailure != null
          || !live.getAsBoolean()) {
        return false;
      }
      try {
        List<ProducerRecord<byte[], byte[]>> out = records.get();
        openIfNeeded();
        for (ProducerRecord<byte[], byte[]> r : out) {
          producer.send(r, this::onSent);
        }
      } catch (RuntimeException e) {
        // a record may be in the transaction already, or a kept-back one taken in: it must not
        // commit
        if (sendFailure == null) {
          sendFailure = e;
        }
        return false;
      }
      announce.run();
      return true;
    } finally {
      shared.unlock();
    }
  }

  /**
   * Runs {@code action} while no attempt's thread is sending (the exclusive side of the gate): for
   * abandoning attempts whose records must not reach a later transaction.
   */
  public void exclusively(Runnable action) {
    requireNoCommit("change the transaction");
    underGate(action);
  }

  private void underGate(Runnable action) {
    Lock exclusive = gate.writeLock();
    exclusive.lock();
    try {
      action.run();
    } finally {
      exclusive.unlock();
    }
  }

  private void onSent(RecordMetadata metadata, Exception e) {
    if (e != null && sendFailure == null) {
      sendFailure = e;
    }
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
    if (running != null) {
      heldWhileCommitting = true;
      return;
    }
    sendKept();
    begin();
  }

  public void send(List<ProducerRecord<byte[], byte[]>> records) {
    for (ProducerRecord<byte[], byte[]> r : records) {
      send(r);
    }
  }

  /**
   * Sends {@code record} into the open transaction (opening one if needed); while a commit runs,
   * keeps it for the next transaction.
   */
  public void send(ProducerRecord<byte[], byte[]> record) {
    if (running != null) {
      kept.add(record);
      return;
    }
    sendKept();
    begin();
    try {
      producer.send(record, this::onSent);
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
    commit(() -> offsets, group);
  }

  /**
   * Commits like {@link #commit(Map, ConsumerGroupMetadata)}, with the offsets {@code offsets}
   * gives while no attempt's thread can send: it must first take in the news of every send made
   * from attempts' threads ({@link #trySendFromAttempt}), so their offsets are among those. Runs on
   * the caller's thread.
   *
   * @return the offsets committed
   */
  public Map<TopicPartition, OffsetAndMetadata> commit(
      Supplier<Map<TopicPartition, OffsetAndMetadata>> offsets, ConsumerGroupMetadata group)
      throws AbortedTransactionException {
    requireNoCommit("commit");
    Lock exclusive = gate.writeLock();
    exclusive.lock();
    try {
      Map<TopicPartition, OffsetAndMetadata> committing = offsets.get();
      if (prepareCommit(committing)) {
        completeCommit(committing, group);
      }
      return committing;
    } finally {
      exclusive.unlock();
    }
  }

  /**
   * Starts a commit like {@link #commit(Supplier, ConsumerGroupMetadata)} — the offsets read and
   * the records fixed now, under the exclusive side of the gate — and has the committer complete it
   * (the offsets sent to the transaction and the commit; see the class comment). Returns false when
   * there was nothing to commit. Until {@link #finishCommit} took the outcome, only sends, holds
   * and the read-only calls may be made.
   *
   * @throws AbortedTransactionException a send in the transaction had failed: it was aborted
   */
  public boolean startCommit(
      Supplier<Map<TopicPartition, OffsetAndMetadata>> offsets, ConsumerGroupMetadata group)
      throws AbortedTransactionException {
    requireNoCommit("commit");
    Map<TopicPartition, OffsetAndMetadata> committingOffsets;
    CompletableFuture<Committed> outcome = new CompletableFuture<>();
    Lock exclusive = gate.writeLock();
    exclusive.lock();
    try {
      committingOffsets = offsets.get();
      if (!prepareCommit(committingOffsets)) {
        return false;
      }
      running = outcome;
    } finally {
      exclusive.unlock();
    }
    try {
      committer.execute(
          () -> {
            long start = System.nanoTime();
            try {
              completeCommit(committingOffsets, group);
              outcome.complete(
                  new Committed(committingOffsets, Duration.ofNanos(System.nanoTime() - start)));
            } catch (Throwable e) {
              outcome.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      outcome.completeExceptionally(failed("commit", e));
    }
    return true;
  }

  /** Whether a commit {@link #startCommit} started still waits for {@link #finishCommit}. */
  public boolean commitRunning() {
    return running != null;
  }

  /**
   * The outcome of the commit {@link #startCommit} started, once it is over: null while it still
   * runs and {@code wait} is false. After a success the records kept meanwhile go first into the
   * next transaction; after a failure they are forgotten with the rest.
   *
   * @throws AbortedTransactionException the transaction was aborted: rewind to the last commit
   * @throws ProducerLostException the producer is gone, the commit's outcome may be unknown
   * @throws FatalTransactionException fenced: stop
   * @throws IllegalStateException no commit was started
   */
  public Committed finishCommit(boolean wait) throws AbortedTransactionException {
    CompletableFuture<Committed> outcome = running;
    if (outcome == null) {
      throw new IllegalStateException("no commit was started");
    }
    if (!wait && !outcome.isDone()) {
      return null;
    }
    Throwable failure;
    try {
      // uninterruptible: the outcome must be taken, or the transaction stays in doubt
      Committed done = outcome.join();
      running = null;
      return done;
    } catch (CompletionException e) {
      failure = e.getCause();
    }
    underGate(
        () -> {
          // an attempt started while the commit ran must not write into a later transaction
          generation++;
          discardDeferred();
          forgetKept();
          running = null;
        });
    if (failure instanceof AbortedTransactionException aborted) {
      throw aborted;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("commit failed", failure);
  }

  /**
   * Sends what the commit carries besides the offsets (records kept while the last commit ran,
   * records kept back) and aborts on an earlier failed send; whether there is anything to commit.
   * Under the exclusive side of the gate.
   */
  private boolean prepareCommit(Map<TopicPartition, OffsetAndMetadata> offsets)
      throws AbortedTransactionException {
    requireReady();
    sendKept();
    if (deferred != null) {
      send(deferred.release());
    }
    if (sendFailure != null) {
      Exception failure = sendFailure;
      if (classify(failure) != FailureKind.ABORTABLE) {
        throw failed("send", failure);
      }
      abortExclusively();
      throw new AbortedTransactionException(
          "a send in the transaction failed: " + failure.getMessage(), failure);
    }
    return open || !offsets.isEmpty();
  }

  /** The offsets into the transaction and its commit; on the committer or the caller's thread. */
  private void completeCommit(
      Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group)
      throws AbortedTransactionException {
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
      underGate(this::abortExclusively);
      throw new AbortedTransactionException("transaction commit failed: " + e.getMessage(), e);
    }
  }

  /** The poll loop's records kept while the last commit ran, into the transaction now. */
  private void sendKept() {
    if (kept.isEmpty() && !heldWhileCommitting) {
      return;
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(kept);
    kept.clear();
    heldWhileCommitting = false;
    begin();
    send(records);
  }

  private void forgetKept() {
    kept.clear();
    heldWhileCommitting = false;
  }

  private void requireNoCommit(String what) {
    if (running != null) {
      throw new IllegalStateException("cannot " + what + " while a commit runs");
    }
  }

  /**
   * Aborts the open transaction, if any: nothing sent in it becomes visible.
   *
   * @throws ProducerLostException when the abort failed: the producer is gone (a new one aborts the
   *     transaction when it starts)
   */
  public void abort() {
    exclusively(this::abortExclusively);
  }

  private void abortExclusively() {
    generation++;
    discardDeferred();
    forgetKept();
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

  /** Closes the producer, after a running commit is over (waiting up to {@code timeout}). */
  public void close(Duration timeout) {
    CompletableFuture<Committed> outcome = running;
    if (outcome != null) {
      try {
        outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        log.debug("closing while a commit ends: {}", e.toString());
      }
    }
    if (producer != null) {
      producer.close(timeout);
    } else if (spare != null) {
      spare.close(timeout);
    }
  }

  private void begin() {
    requireReady();
    try {
      openIfNeeded();
    } catch (KafkaException e) {
      throw failed("begin a transaction", e);
    }
  }

  /**
   * Opens a transaction unless one is open; attempts' threads may race here, hence the monitor.
   * Throws the producer's own exception: an attempt's thread must not replace the producer.
   */
  private synchronized void openIfNeeded() {
    if (!open) {
      producer.beginTransaction();
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
   * The exception for a failed {@code what}: a fatal failure stops the worker; anything else loses
   * the producer, which is closed at once (a new one is made by {@link #init}).
   */
  private RuntimeException failed(String what, Exception e) {
    if (classify(e) == FailureKind.FATAL) {
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
    underGate(
        () -> {
          generation++;
          discardDeferred();
          forgetKept();
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
        });
  }

  /** What {@code e} (or a cause) means for the producer and the worker; see the class comment. */
  public static FailureKind classify(Throwable e) {
    FailureKind kind = FailureKind.ABORTABLE;
    for (Throwable t : Causes.chain(e)) {
      if (t instanceof FencedInstanceIdException
          || t instanceof AuthorizationException
          || t instanceof AuthenticationException
          || t instanceof UnsupportedVersionException
          || t instanceof ConfigException
          || t instanceof FatalTransactionException) {
        return FailureKind.FATAL;
      }
      if (t instanceof InvalidProducerEpochException
          || t instanceof ProducerFencedException
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

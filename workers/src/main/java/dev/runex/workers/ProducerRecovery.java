package dev.runex.workers;

import dev.runex.workers.internal.output.FatalTransactionException;
import dev.runex.workers.internal.output.ProducerLostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replacing a lost transactional producer (see {@link ProducerLostException}): from {@link #start}
 * every running attempt is abandoned and nothing is fetched; {@link #tryResume}, called by the poll
 * loop (which keeps polling, so the group membership lives), makes a new producer — its {@code
 * initTransactions} commits or aborts what the old one left in doubt — and then moves every owned
 * partition to the offset and finished-offsets metadata the broker holds, not to what this worker
 * believed: a commit whose outcome was unknown may have happened. The abandoned jobs' results are
 * produced again, with their offsets, when their records are fetched again. While the broker stays
 * away it tries again with back-off ({@value #FIRST_BACKOFF_MS} ms doubling to {@value
 * #MAX_BACKOFF_MS} ms).
 *
 * <p>A fenced producer is replaced too, as Kafka Streams replaces its own: the coordinator fences a
 * producer whose transaction outlived its timeout (a worker or broker that stood still), and which
 * exception the producer meets for that — {@code InvalidProducerEpochException} or {@code
 * ProducerFencedException} — depends on timing. Another instance running with the same
 * transactional id fences it too, but again after every replacement: the {@value #MAX_FENCINGS}th
 * fencing within {@link #FENCING_WINDOW} stops the worker ({@link #fencedTooOften}).
 */
final class ProducerRecovery {
  private static final Logger log = LoggerFactory.getLogger(ProducerRecovery.class);
  static final long FIRST_BACKOFF_MS = 500;
  static final long MAX_BACKOFF_MS = 10_000;

  /** Fencings within {@link #FENCING_WINDOW} after which the worker stops. */
  static final int MAX_FENCINGS = 3;

  static final Duration FENCING_WINDOW = Duration.ofMinutes(10);

  private final Deque<Instant> fencings = new ArrayDeque<>();

  private final WorkerState state;
  private final String workerId;
  private boolean active;
  private long backoffMs;
  private int attempts;
  private Instant nextAttempt = Instant.MIN;

  ProducerRecovery(WorkerState state) {
    this.state = state;
    this.workerId = state.settings().workerId();
  }

  /** True from a lost producer until a new one works and the partitions were re-read. */
  boolean active() {
    return active;
  }

  /**
   * Counts {@code e} if it is a fencing; true once it is the {@value #MAX_FENCINGS}th within {@link
   * #FENCING_WINDOW}: another instance seems to hold the same transactional id, and the worker
   * stops. Called once per lost producer.
   */
  boolean fencedTooOften(ProducerLostException e) {
    if (!e.fenced()) {
      return false;
    }
    Instant now = state.clock().instant();
    Instant horizon = now.minus(FENCING_WINDOW);
    while (!fencings.isEmpty() && fencings.peekFirst().isBefore(horizon)) {
      fencings.removeFirst();
    }
    fencings.addLast(now);
    return fencings.size() >= MAX_FENCINGS;
  }

  /** Fencings counted within {@link #FENCING_WINDOW}, as last counted. */
  int recentFencings() {
    return fencings.size();
  }

  /** The producer is gone: abandons everything in flight; recovery starts at the next poll. */
  void start(ProducerLostException e) {
    if (!active) {
      log.warn(
          "worker {}: {}{}; abandoning {} running job(s), making a new producer and resuming from the committed offsets",
          workerId,
          e.getMessage(),
          e.fenced()
              ? " (fenced: its transaction outlived the transaction timeout, or another instance"
                  + " with transactional id "
                  + state.settings().transactionalId()
                  + " started)"
              : "",
          state.inFlight().size());
      state.metrics().producerLost(e.fenced());
      active = true;
      attempts = 0;
      backoffMs = FIRST_BACKOFF_MS;
      nextAttempt = state.clock().instant();
    }
    state.inFlight().abandonAll();
    state.dispatcher().clearQueued();
    state.admission().dropWaitingIf(f -> true);
  }

  /**
   * Unless backing off: makes a new producer and resumes every owned partition from its commit.
   * Returns true once recovered.
   *
   * @throws FatalTransactionException when the new producer finds itself fenced
   */
  boolean tryResume() {
    if (!active || state.clock().instant().isBefore(nextAttempt)) {
      return false;
    }
    attempts++;
    try {
      state.tx().init();
      resumeFromCommitted();
    } catch (ProducerLostException | TimeoutException e) {
      if (e instanceof ProducerLostException lost && fencedTooOften(lost)) {
        state.metrics().producerLost(true);
        throw fencedTooOftenFailure(lost);
      }
      log.warn(
          "worker {}: cannot resume yet (attempt {}: {}); trying again in {} ms",
          workerId,
          attempts,
          e.getMessage(),
          backoffMs);
      nextAttempt = state.clock().instant().plus(Duration.ofMillis(backoffMs));
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      return false;
    }
    active = false;
    log.info(
        "worker {} resumed with a new producer after {} attempt(s), from the committed offsets of {}",
        workerId,
        attempts,
        state.partitions().partitions());
    return true;
  }

  /** Why the worker stops after {@code e}, the fencing that was one too many. */
  FatalTransactionException fencedTooOftenFailure(ProducerLostException e) {
    return new FatalTransactionException(
        "the producer was fenced "
            + fencings.size()
            + " times within "
            + FENCING_WINDOW.toMinutes()
            + " min, each time after a new one was made: another instance seems to be running"
            + " with transactional id "
            + state.settings().transactionalId(),
        e);
  }

  /**
   * Every owned partition back to the offset and metadata the broker holds or, never committed, to
   * where this worker began fetching it.
   */
  private void resumeFromCommitted() {
    Set<TopicPartition> owned = new HashSet<>(state.partitions().partitions());
    owned.retainAll(state.consumer().assignment());
    Map<TopicPartition, OffsetAndMetadata> committed =
        WorkerTransactions.committedOffsets(state, workerId, owned);
    Map<TopicPartition, Long> fromMemory = state.partitions().rewindAll();
    for (TopicPartition tp : owned) {
      OffsetAndMetadata c = committed.get(tp);
      if (c != null) {
        state.partitions().add(tp, WorkerTransactions.trackerFor(tp, c));
        state.consumer().seek(tp, c.offset());
      } else if (fromMemory.containsKey(tp)) {
        state.consumer().seek(tp, fromMemory.get(tp));
      }
    }
  }
}

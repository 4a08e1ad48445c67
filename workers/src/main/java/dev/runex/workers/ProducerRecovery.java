package dev.runex.workers;

import dev.runex.workers.internal.output.FatalTransactionException;
import dev.runex.workers.internal.output.ProducerLostException;
import java.time.Duration;
import java.time.Instant;
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
 */
final class ProducerRecovery {
  private static final Logger log = LoggerFactory.getLogger(ProducerRecovery.class);
  static final long FIRST_BACKOFF_MS = 500;
  static final long MAX_BACKOFF_MS = 10_000;

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

  /** The producer is gone: abandons everything in flight; recovery starts at the next poll. */
  void start(ProducerLostException e) {
    if (!active) {
      log.warn(
          "worker {}: {}; abandoning {} running job(s), making a new producer and resuming from the committed offsets",
          workerId,
          e.getMessage(),
          state.inFlight().size());
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

package dev.runex.workers;

import dev.runex.workers.internal.execution.RegistryUnavailableException;
import dev.runex.workers.internal.offsets.AssignedPartition;
import dev.runex.workers.internal.offsets.OffsetTracker;
import dev.runex.workers.internal.output.AbortedTransactionException;
import dev.runex.workers.internal.output.FatalTransactionException;
import dev.runex.workers.internal.output.OutputTransaction;
import dev.runex.workers.internal.output.ProducerLostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop's transaction boundaries: periodic commits, and what happens to in-flight work when
 * the world changes.
 *
 * <ul>
 *   <li>Commit ({@link CommitPolicy}: every interval, or sooner once the loop has nothing at hand):
 *       everything produced since the last commit plus, per partition, the lowest unfinished offset
 *       with the finished offsets above it in the metadata, in one transaction.
 *   <li>Revoked partitions (and shutdown): stop starting jobs, let running ones finish for up to
 *       the drain timeout, commit, forget the partitions; jobs still running are abandoned and
 *       rerun wherever the partition goes.
 *   <li>Lost partitions, a failed commit, an unavailable registry: abort the transaction, abandon
 *       every running attempt (new epoch), seek every partition back to its last commit and rebuild
 *       its state — nothing uncommitted was visible, so nothing is produced twice.
 *   <li>A lost producer (a transaction the coordinator aborted after its timeout, a broker that was
 *       frozen or unreachable, a commit whose outcome is unknown): abandon every running attempt,
 *       make a new producer and resume from the offsets the broker holds ({@link
 *       ProducerRecovery}).
 *   <li>A process that stood still past the session timeout, or a commit the group refused for the
 *       worker's generation: no job starts until a rebalance confirms the partitions ({@link
 *       #membershipInDoubt}), so a thawed worker does not run jobs that moved to another.
 *   <li>A fenced producer is lost too (a transaction that outlived its timeout is fenced by the
 *       coordinator), unless fencings repeat ({@link ProducerRecovery#MAX_FENCINGS} within {@link
 *       ProducerRecovery#FENCING_WINDOW}: another instance holds the transactional id); that, an
 *       instance that took the group instance id, and other fatal producer errors stop the worker
 *       (logged at ERROR).
 * </ul>
 */
final class WorkerTransactions {
  private static final Logger log = LoggerFactory.getLogger(WorkerTransactions.class);

  /** How long fetching waits after the schema registry did not answer (a partition, or all). */
  static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(5);

  /** How often the loop looks whether a commit running on the committer's thread is over. */
  static final Duration COMMIT_CHECK = Duration.ofMillis(1);

  /** Times the committed offsets of newly assigned partitions are asked for before giving up. */
  static final int COMMITTED_ATTEMPTS = 5;

  private final WorkerState state;
  private final Completions completions;
  private final String workerId;
  private final CommitPolicy policy;
  private Instant lastCommit;
  private Instant fetchResumesAt = Instant.MIN;
  private boolean closing;
  private final ProducerRecovery recovery;
  private volatile Throwable failure;
  private volatile boolean assignmentReceived;
  private volatile int assignedCount;

  /**
   * Set while the worker is not sure it still owns its partitions: until a rebalance hands it an
   * assignment again (or this deadline passes), it starts no job.
   */
  private Instant membershipInDoubtUntil;

  WorkerTransactions(WorkerState state, Completions completions) {
    this.state = state;
    this.completions = completions;
    this.recovery = new ProducerRecovery(state);
    this.workerId = state.settings().workerId();
    this.policy = state.settings().commitPolicy();
    this.lastCommit = state.clock().instant();
  }

  Throwable failure() {
    return failure;
  }

  /**
   * Whether the group has given this worker its assignment (possibly empty) since it joined or last
   * lost its partitions. Read by other threads (health).
   */
  boolean assignmentReceived() {
    return assignmentReceived;
  }

  /** Partitions assigned now (readable from other threads). */
  int assignedCount() {
    return assignedCount;
  }

  /** While closing, backing off or replacing a lost producer, no partition fetches. */
  boolean fetchingSuspended() {
    return closing || recovery.active() || state.clock().instant().isBefore(fetchResumesAt);
  }

  /** True from a lost producer until a new one works and the partitions were re-read. */
  boolean recovering() {
    return recovery.active();
  }

  /**
   * Whether jobs may start now: not while the worker doubts it still owns its partitions ({@link
   * #membershipInDoubt}).
   */
  boolean startingSuspended() {
    if (membershipInDoubtUntil == null) {
      return false;
    }
    if (state.clock().instant().isBefore(membershipInDoubtUntil)) {
      return true;
    }
    log.info("worker {}: no rebalance came; starting jobs again", workerId);
    membershipInDoubtUntil = null;
    return false;
  }

  /**
   * The worker may have lost its partitions without knowing yet: its process stood still longer
   * than the session timeout (the process was frozen, or starved), or the group refused a commit
   * for its generation. Jobs it fetched before may already run on another worker, so it starts none
   * until the group has confirmed its assignment: it asks for a rebalance ({@code
   * enforceRebalance}, which revokes or reports lost what it held, so those jobs are dropped and
   * fetched again only by their new owner) and waits for the assignment, or, where the protocol
   * ignores the request and nothing changed, for one more session timeout. Running jobs go on;
   * their results commit only if the partitions are still the worker's.
   */
  void membershipInDoubt(String why) {
    if (membershipInDoubtUntil == null) {
      log.warn(
          "worker {}: {}; starting no job until the group confirms its partitions", workerId, why);
    }
    membershipInDoubtUntil = state.clock().instant().plus(state.settings().sessionTimeout());
    try {
      state.consumer().enforceRebalance(why);
    } catch (RuntimeException e) {
      log.debug("worker {}: rebalance request not taken ({})", workerId, e.toString());
    }
  }

  /**
   * How long until {@link #commitIfDue} commits if nothing changes (zero when it is due now), given
   * whether the loop has nothing at hand ({@link CommitPolicy}); while a commit runs, how soon to
   * look whether it is over.
   */
  Duration untilCommitDue(boolean idle) {
    if (state.tx().commitRunning()) {
      return COMMIT_CHECK;
    }
    return policy.untilDue(sinceLastCommit(), work(idle));
  }

  /**
   * Takes the outcome of a commit that is over and, unless one still runs, starts one when the
   * {@link CommitPolicy} says so: on the interval, or sooner when outputs are pending and the loop
   * is {@code idle}; at once after a failed send (to abort and rewind). The commit completes on the
   * committer's thread while the loop goes on.
   */
  void commitIfDue(boolean idle) {
    if (!settle(false)) {
      return;
    }
    if (state.tx().sendFailure() != null || policy.due(sinceLastCommit(), work(idle))) {
      startCommit();
      settle(false); // already over when the committer is the caller's thread
    }
  }

  private CommitPolicy.Work work(boolean idle) {
    return new CommitPolicy.Work(state.tx().isOpen(), idle);
  }

  private Duration sinceLastCommit() {
    return Duration.between(lastCommit, state.clock().instant());
  }

  /** Commits now and waits for the outcome (after the one running, if any). */
  void commitNow() {
    settle(true);
    startCommit();
    settle(true);
  }

  private void startCommit() {
    if (recovery.active()) {
      return; // no producer; the work since the last commit was abandoned
    }
    lastCommit = state.clock().instant();
    try {
      // with no attempt's thread sending: take in what they sent (their offsets are finished now)
      state
          .tx()
          .startCommit(
              () -> {
                completions.handleAll();
                observePositions();
                return state.partitions().offsetsToCommit();
              },
              state.consumer().groupMetadata());
    } catch (AbortedTransactionException e) {
      aborted(e);
    } catch (ProducerLostException e) {
      producerLost(e);
    }
  }

  /**
   * Takes the outcome of the running commit, if any, once it is over ({@code wait}: waits for it).
   * True when no commit runs any more; false only when not waiting and it still runs.
   */
  boolean settle(boolean wait) {
    if (!state.tx().commitRunning()) {
      return true;
    }
    OutputTransaction.Committed done;
    try {
      done = state.tx().finishCommit(wait);
    } catch (AbortedTransactionException e) {
      aborted(e);
      return true;
    } catch (ProducerLostException e) {
      producerLost(e);
      return true;
    }
    if (done == null) {
      return false;
    }
    state.partitions().committed(done.offsets());
    state.metrics().committed(done.took());
    return true;
  }

  private void aborted(AbortedTransactionException e) {
    log.warn("worker {}: {}; rewinding to the last commit", workerId, e.getMessage());
    rewind();
    if (groupRefused(e)) {
      membershipInDoubt("the group refused the commit for this worker's generation");
    }
  }

  /**
   * Abandons the running attempts that match while no attempt's thread is sending, after taking in
   * what they already sent: none of them can then add a record to a transaction that commits
   * without its offset. Before a commit that is the last for their partitions (revocation,
   * shutdown).
   */
  private int abandonBeforeLastCommit(Predicate<RunningJob> which) {
    settle(true);
    int[] abandoned = new int[1];
    state
        .tx()
        .exclusively(
            () -> {
              completions.handleAll();
              abandoned[0] = state.inFlight().abandon(which);
            });
    return abandoned[0];
  }

  /**
   * Where nothing is pending, lets the commit point follow the consumer's position past transaction
   * markers, so an idle partition shows no lag.
   */
  private void observePositions() {
    for (AssignedPartition p : state.partitions().all()) {
      OffsetTracker t = p.tracker();
      if (t.pendingCount() == 0 && t.commitPoint() >= 0) {
        try {
          t.observePosition(state.consumer().position(p.partition(), Duration.ZERO));
        } catch (KafkaException | IllegalStateException e) {
          // position unknown right now: commit what the records say
        }
      }
    }
  }

  /** A transient failure outside a commit: abort, rewind and fetch again after a back-off. */
  void recover(String why, RuntimeException e) {
    log.warn(
        "worker {}: {} ({}); aborting the transaction and fetching again in {} s",
        workerId,
        why,
        e.getMessage(),
        REGISTRY_BACKOFF.toSeconds());
    settle(true);
    if (recovery.active()) {
      return; // the running commit lost the producer: the recovery resumes from the commits
    }
    try {
      state.tx().abort();
    } catch (ProducerLostException lost) {
      producerLost(lost);
      return;
    }
    rewind();
    fetchResumesAt = state.clock().instant().plus(REGISTRY_BACKOFF);
  }

  /**
   * The producer is gone: see {@link ProducerRecovery}. A fencing that was one too many stops the
   * worker instead.
   */
  void producerLost(ProducerLostException e) {
    if (failure != null) {
      return; // stopping: nothing is replaced
    }
    if (!recovery.active() && recovery.fencedTooOften(e)) {
      state.metrics().producerLost(true);
      fail(recovery.fencedTooOftenFailure(e));
      return;
    }
    recovery.start(e);
  }

  /** While recovering: tries to make a new producer and resume (see {@link ProducerRecovery}). */
  void tryResume() {
    if (recovery.tryResume()) {
      lastCommit = state.clock().instant();
    }
  }

  private void rewind() {
    state.inFlight().abandonAll();
    state.dispatcher().clearQueued();
    state.admission().dropWaitingIf(f -> true);
    Set<TopicPartition> assigned = state.consumer().assignment();
    state
        .partitions()
        .rewindAll()
        .forEach(
            (tp, offset) -> {
              if (assigned.contains(tp)) {
                state.consumer().seek(tp, offset);
              }
            });
    lastCommit = state.clock().instant();
  }

  void onAssigned(Collection<TopicPartition> assigned) {
    assignmentReceived = true;
    membershipInDoubtUntil = null;
    Set<TopicPartition> fresh = new HashSet<>(assigned);
    fresh.removeAll(state.partitions().partitions());
    if (fresh.isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(state, workerId, fresh);
    for (TopicPartition tp : fresh) {
      OffsetAndMetadata c = committed.get(tp);
      state.partitions().add(tp, trackerFor(tp, c));
      if (c != null) {
        state.consumer().seek(tp, c.offset());
      }
    }
    assignedCount = state.partitions().partitions().size();
    log.info("worker {} assigned {}", workerId, fresh);
  }

  /**
   * The group's committed offsets of {@code partitions}. The broker answers only once no open
   * transaction holds offsets for them; a transaction left hanging (or one the coordinator is still
   * aborting after an outage) makes the call time out. That is a wait, not a reason to stop: it is
   * asked again, up to {@link #COMMITTED_ATTEMPTS} times in all, before the timeout is thrown.
   */
  static Map<TopicPartition, OffsetAndMetadata> committedOffsets(
      WorkerState state, String workerId, Set<TopicPartition> partitions) {
    for (int attempt = 1; ; attempt++) {
      try {
        return state.consumer().committed(partitions);
      } catch (TimeoutException e) {
        if (attempt >= COMMITTED_ATTEMPTS) {
          throw e;
        }
        log.warn(
            "worker {}: committed offsets of {} not available yet (attempt {} of {}: {}); asking"
                + " again",
            workerId,
            partitions,
            attempt,
            COMMITTED_ATTEMPTS,
            e.getMessage());
      }
    }
  }

  /** A commit refused because this member's generation is over (expired, or a rebalance). */
  static boolean groupRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CommitFailedException
          || t instanceof IllegalGenerationException
          || t instanceof UnknownMemberIdException
          || t instanceof RebalanceInProgressException) {
        return true;
      }
    }
    return false;
  }

  static OffsetTracker trackerFor(TopicPartition tp, OffsetAndMetadata committed) {
    if (committed == null) {
      return OffsetTracker.fresh();
    }
    try {
      return OffsetTracker.restore(committed);
    } catch (IllegalArgumentException e) {
      log.warn(
          "offset metadata of {} is not runex's ({}): resuming at {} without skipping finished jobs",
          tp,
          e.getMessage(),
          committed.offset());
      return OffsetTracker.restore(new OffsetAndMetadata(committed.offset()));
    }
  }

  void onRevoked(Collection<TopicPartition> revoked) {
    Set<TopicPartition> mine = new HashSet<>(revoked);
    mine.retainAll(state.partitions().partitions());
    if (mine.isEmpty()) {
      return;
    }
    try {
      if (!closing && !recovery.active() && failure == null) {
        state.dispatcher().removeQueuedIf(f -> mine.contains(f.partition()));
        state.admission().dropWaitingIf(f -> mine.contains(f.partition()));
        drain(
            j -> mine.contains(j.fetched().partition()),
            state.clock().instant().plus(state.settings().drainTimeout()));
        logAbandoned(abandonBeforeLastCommit(j -> mine.contains(j.fetched().partition())), mine);
        commitNow();
      }
    } finally {
      forget(mine);
      log.info("worker {} revoked {}", workerId, mine);
    }
  }

  void onLost(Collection<TopicPartition> lost) {
    Set<TopicPartition> mine = new HashSet<>(lost);
    mine.retainAll(state.partitions().partitions());
    log.warn(
        "worker {} lost {} (session expired or fenced): aborting the open transaction; their jobs rerun elsewhere",
        workerId,
        lost);
    assignmentReceived = false;
    forget(mine);
    settle(true);
    if (recovery.active()) {
      return; // the new producer starts clean and the partitions resume from their commits
    }
    try {
      state.tx().abort();
    } catch (ProducerLostException e) {
      producerLost(e);
      return;
    }
    rewind();
  }

  private void forget(Set<TopicPartition> gone) {
    logAbandoned(state.inFlight().abandon(j -> gone.contains(j.fetched().partition())), gone);
    state.dispatcher().removeQueuedIf(f -> gone.contains(f.partition()));
    state.admission().dropWaitingIf(f -> gone.contains(f.partition()));
    state.partitions().remove(gone);
    assignedCount = state.partitions().partitions().size();
  }

  private void logAbandoned(int abandoned, Set<TopicPartition> of) {
    if (abandoned > 0) {
      log.info(
          "worker {} abandoned {} running job(s) of {}: they rerun from the uncommitted offset",
          workerId,
          abandoned,
          of);
    }
  }

  /**
   * Graceful stop: no more fetching or starting, running jobs finish within the drain timeout,
   * commit.
   */
  void shutDown() {
    closing = true;
    assignmentReceived = false;
    state.consumer().pause(state.consumer().assignment());
    state.dispatcher().clearQueued();
    state.admission().dropWaitingIf(f -> true);
    if (!recovery.active()) {
      try {
        drain(j -> true, state.clock().instant().plus(state.settings().drainTimeout()));
        abandonBeforeLastCommit(j -> true);
        commitNow();
      } catch (ProducerLostException e) {
        log.warn(
            "worker {}: {} while stopping; the jobs finished since its last commit rerun elsewhere",
            workerId,
            e.getMessage());
      }
    }
    state.inFlight().abandon(j -> true);
  }

  /**
   * Handles outcomes (and commits on schedule) until no matching job runs or the deadline passes.
   */
  private void drain(Predicate<RunningJob> which, Instant deadline) {
    int running;
    while (!recovery.active() && (running = state.inFlight().count(which)) > 0) {
      long leftMs = Duration.between(state.clock().instant(), deadline).toMillis();
      if (leftMs <= 0 || Thread.currentThread().isInterrupted()) {
        log.warn(
            "worker {}: {} job(s) still running after the drain timeout of {}: abandoned, they rerun from the uncommitted offset",
            workerId,
            running,
            state.settings().drainTimeout());
        return;
      }
      completions.awaitOne(Math.min(leftMs, state.settings().commitInterval().toMillis()));
      completions.handleAll();
      commitIfDue(false); // on the interval: the drain commits once more when it is over
    }
  }

  /**
   * Runs a rebalance callback; failures are recovered from or recorded, never thrown into the
   * consumer.
   */
  void guarded(Runnable callback) {
    try {
      callback.run();
    } catch (RegistryUnavailableException | SerializationException e) {
      try {
        recover("schema registry unavailable", e);
      } catch (RuntimeException fatal) {
        fail(fatal);
      }
    } catch (ProducerLostException e) {
      producerLost(e);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /** Records the first fatal failure; the loop stops after the current step. */
  void fail(Throwable e) {
    if (failure != null) {
      return;
    }
    failure = e;
    if (e instanceof FatalTransactionException) {
      log.error("worker {} stopping: {}", workerId, e.getMessage(), e);
    } else if (e instanceof FencedInstanceIdException) {
      log.error(
          "worker {} stopping: another instance joined group {} with the same group instance id"
              + " (runex.worker.id {}) and took its partitions",
          workerId,
          state.settings().groupId(),
          workerId,
          e);
    } else {
      log.error("worker {} stopping on an unexpected error: {}", workerId, e.toString(), e);
    }
  }
}

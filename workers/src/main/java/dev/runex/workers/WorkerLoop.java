package dev.runex.workers;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.Job;
import dev.runex.schemas.lifecycle.Deadlines;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import dev.runex.workers.internal.admission.FlowControl;
import dev.runex.workers.internal.admission.JobAdmission;
import dev.runex.workers.internal.admission.MemoryBudget;
import dev.runex.workers.internal.admission.PriorityRanks;
import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.execution.AttemptContext;
import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.execution.EarlyArrivals;
import dev.runex.workers.internal.execution.FailureClassifier;
import dev.runex.workers.internal.execution.JobRunner;
import dev.runex.workers.internal.execution.KeyedDispatcher;
import dev.runex.workers.internal.execution.RegistryUnavailableException;
import dev.runex.workers.internal.execution.ScheduledJobDecoder;
import dev.runex.workers.internal.execution.TypeExecutors;
import dev.runex.workers.internal.execution.TypeExecutors.Executor;
import dev.runex.workers.internal.execution.UndecodableJobException;
import dev.runex.workers.internal.monitoring.WorkerMetrics;
import dev.runex.workers.internal.offsets.AssignedPartition;
import dev.runex.workers.internal.offsets.AssignedPartitions;
import dev.runex.workers.internal.offsets.OffsetTracker;
import dev.runex.workers.internal.output.OutcomeRecords;
import dev.runex.workers.internal.output.OutputTransaction;
import dev.runex.workers.internal.output.ProducerLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's poll loop, on one thread that alone touches the consumer and decides everything
 * about the transactional producer: poll → admit records (skipping those the commit metadata says
 * finished) → start jobs whose key is free while handler threads are free and their declared memory
 * fits the budget ({@link JobAdmission}) → turn outcomes into records in the open transaction
 * ({@link AttemptEnds}) → commit them with the consumed offsets every commit interval, or sooner
 * when there is nothing else at hand ({@link CommitPolicy}) → pause or resume fetching (also while
 * the worker is full, beyond a small buffer). Rebalances and failures go through {@link
 * WorkerTransactions}; what both act on is the {@link WorkerState}.
 *
 * <p>A commit is fixed on this thread (what it carries, which offsets) and completed by the
 * committer, a thread of its own ({@link OutputTransaction#startCommit}): the broker's part of it
 * (the offsets into the transaction, the commit and its markers) takes milliseconds to tens of
 * milliseconds, during which this loop goes on fetching and starting jobs; their outputs wait for
 * the next transaction. The next commit starts only once the loop has taken the outcome of the one
 * before, and every step that aborts, rewinds or replaces the producer first waits for it.
 *
 * <p>Per-job work is kept off this thread, which would otherwise cap the worker at one core: an
 * attempt's outputs are built and encoded on the thread that ended it, and a success's are sent
 * there too, into the open transaction, when {@link OutputTransaction#trySendFromAttempt} allows
 * ({@link AttemptEnds#reporter}); anything else, or a refused send, comes to this thread as bytes
 * to send. Either way the news of the outcome reaches this thread, which frees the key and finishes
 * the offset; a commit takes in all such news first, so a job's outputs and its offset still commit
 * together (the invariant is stated on {@link OutputTransaction}). A job's STARTED is built here
 * and held until the commit ({@link OutcomeRecords#started}), so that an end before the commit
 * carries it in its own lifecycle record: one record per job per transaction.
 *
 * <p>Due times: the topology hands a delayed job to its pool a little before it is due ({@code
 * runex.topology.releaseAhead}), so that its release, the topology's commit and this fetch are not
 * added to when it starts. A job fetched before its due time (by this process's clock) is parked in
 * the {@link KeyedDispatcher} and offered to its key's queue when it becomes due; the poll waits no
 * longer than until then. No job starts before its due time. A job that comes further ahead than
 * the lead (a clock here behind the topology's) is held all the same, and a warning says so ({@link
 * EarlyArrivals}).
 *
 * <p>Priorities: the loop consumes the pool's three scheduled topics. Among the jobs whose key is
 * free, a higher-priority one always starts first ({@link KeyedDispatcher} ranks), and while the
 * worker is full the buffer limit applies per priority ({@link FlowControl}): fetched low work
 * pauses the lower partitions but never the high ones, so a high job submitted behind a low backlog
 * waits only for the next free slot (and the few records already fetched ahead of it of equal or
 * higher priority). Key order holds within and across priorities: one key's jobs run one at a time
 * in the order they were fetched.
 *
 * <p>Control ({@link WorkerControl} over the {@link ControlTable}, the compacted control topic): no
 * job starts before the table has caught up. A job whose pool, tenant or type is paused is held at
 * the head of its key in the {@link KeyedDispatcher} (its key's later jobs wait behind it, other
 * keys go on) and its offset stays unfinished, so nothing past it commits: after a crash it is
 * fetched again and held again. Held jobs do not count as buffered; what bounds them is {@code
 * runex.worker.maxUncommittedOffsets} per partition (flow control stops fetching a partition whose
 * window is full — then jobs of other tenants in that partition wait too). A cancelled job gets a
 * CANCELLED result, in the transaction that finishes its offset, instead of starting; a running one
 * is interrupted (a process tree is ended) and its outcome, unless it succeeded first, becomes the
 * CANCELLED result — never a retry.
 */
final class WorkerLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

  /**
   * Poll timeout while jobs run: completions are awaited separately, for at most {@link
   * #COMPLETION_WAIT_MS}.
   */
  private static final Duration BUSY_POLL = Duration.ofMillis(1);

  private static final long COMPLETION_WAIT_MS = 10;
  private static final Duration MAX_IDLE_POLL = Duration.ofMillis(100);

  /** Poll timeout while a lost producer is replaced: the poll only keeps the membership alive. */
  private static final Duration RECOVERY_POLL = Duration.ofMillis(100);

  /** Notices the process standing still (a freeze), for {@link #checkStandstill}; from run on. */
  private PauseDetector pauses;

  /** Partitions waiting for the schema registry, until when (poll-loop thread only). */
  private final Map<TopicPartition, Instant> registryWait = new HashMap<>();

  private final WorkerState state;
  private final RunexConfig cfg;
  private final List<String> topics;
  private final PriorityRanks ranks;
  private final TypeExecutors executors;
  private final JobRunner runner;
  private final OutcomeRecords outputs;
  private final ScheduledJobDecoder decoder;
  private final FlowControl<TopicPartition> flow;
  private final WorkerTransactions transactions;
  private final AttemptEnds ends;
  private final WorkerControl control;
  private final Completions completions;

  /** Jobs that came further ahead of their due time than the topology's lead: a clock skew. */
  private final EarlyArrivals early;

  /** Completes the transaction's commits while this loop goes on fetching and starting jobs. */
  private final ExecutorService committer;

  private volatile int buffered;

  /** Jobs held until their due time, for the gauge (read by other threads). */
  private volatile int parked;

  /** Whether the last poll returned no record: the consumer had nothing more fetched. */
  private boolean lastPollEmpty;

  WorkerLoop(WorkerSettings settings, RunexConfig cfg, WorkerParts parts, Clock clock) {
    this.cfg = cfg;
    this.topics = parts.topics();
    this.ranks = new PriorityRanks(topics);
    this.executors =
        new TypeExecutors(
            cfg, parts.handlers()::find, clock, settings.pool() + "." + settings.workerId());
    this.outputs = parts.outputs();
    this.decoder = parts.decoder();
    this.runner = new JobRunner(settings.concurrency(), clock);
    KeyedDispatcher<Object, FetchedJob> dispatcher =
        new KeyedDispatcher<>(
            settings.concurrency(),
            FetchedJob::orderingKey,
            f -> ranks.of(f.record().topic()),
            ranks.ranks());
    JobAdmission<FetchedJob> admission =
        new JobAdmission<>(
            dispatcher,
            new MemoryBudget(settings.memoryBudget()),
            this::declaredMemory,
            FetchedJob::orderingKey);
    // while full, hold just enough fetched records to start the next jobs at once
    this.flow =
        new FlowControl<>(
            settings.maxBuffered(), settings.maxUncommitted(), settings.concurrency());
    WorkerMetrics metrics =
        new WorkerMetrics(
            parts.meters(),
            cfg.jobTypes().keySet(),
            runner::busy,
            () -> buffered,
            () -> admission.budget().reserved(),
            () -> parked);
    this.early =
        new EarlyArrivals(cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD), metrics::earlyArrival);
    this.committer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "runex-commit-" + settings.pool());
              t.setDaemon(true);
              return t;
            });
    OutputTransaction tx =
        new OutputTransaction(
            parts.producer(), parts.producers(), metrics::bindProducer, committer);
    // STARTED events wait for the commit, to go out with their job's end when it comes first
    tx.deferFrom(outputs.heldStarts());
    this.state =
        new WorkerState(
            settings,
            clock,
            parts.consumer(),
            tx,
            metrics,
            new AssignedPartitions(),
            new InFlightJobs(),
            dispatcher,
            admission,
            new WorkerState.StopFlag(),
            new WorkerState.Rounds());
    this.ends =
        new AttemptEnds(cfg, tx, outputs, state.partitions(), metrics, parts.control(), clock);
    this.completions = new Completions(state, ends);
    this.transactions = new WorkerTransactions(state, completions);
    this.control =
        new WorkerControl(parts.control(), settings, dispatcher, admission, state.inFlight(), ends);
  }

  /** Asks the loop to drain, commit and close; returns at once. */
  void requestStop() {
    state.stop().request();
  }

  Optional<Throwable> failure() {
    return Optional.ofNullable(transactions.failure());
  }

  /** Epoch millis of the loop's last round, or -1 before it started polling. */
  long lastRound() {
    return state.rounds().last();
  }

  boolean assignmentReceived() {
    return transactions.assignmentReceived();
  }

  int assignedCount() {
    return transactions.assignedCount();
  }

  boolean stopRequested() {
    return state.stop().requested();
  }

  @Override
  public void run() {
    try {
      pauses = new PauseDetector(state.clock(), "runex-pause-detector-" + state.settings().pool());
      state.metrics().bindConsumer(state.consumer());
      executors.prepare(cfg.jobTypes().values(), state.settings().pool());
      try {
        state.tx().init();
      } catch (ProducerLostException e) {
        transactions.producerLost(e); // e.g. the broker is not reachable yet: keep trying
      }
      if (!control.awaitCaughtUp(() -> state.stop().requested())) {
        state.stop().request();
      }
      awaitOutputSchemas();
      state.consumer().subscribe(topics, new WorkerRebalanceListener(transactions));
      log.info(
          "worker {} consuming {} (group {}, transactional id {}, concurrency {})",
          state.settings().workerId(),
          topics,
          state.settings().groupId(),
          state.settings().transactionalId(),
          state.settings().concurrency());
      state.rounds().mark(state.clock());
      while (!state.stop().requested() && transactions.failure() == null) {
        pollOnce();
        state.rounds().mark(state.clock());
      }
      if (transactions.failure() == null) {
        transactions.shutDown();
      }
    } catch (RuntimeException e) {
      transactions.fail(e);
    } finally {
      closeQuietly();
    }
  }

  /**
   * Before fetching any job: the schemas of every output registered (their ids are then cached), so
   * that a registry outage while jobs run never leaves finished jobs unwritable — which would mean
   * aborting and running them again. While the registry does not answer the worker waits: it is not
   * ready and fetches nothing.
   */
  private void awaitOutputSchemas() {
    try {
      outputs.registerSchemas(() -> state.stop().requested());
    } catch (SchemaRegistryUnavailableException e) {
      if (!state.stop().requested()) {
        throw e;
      }
      // stopping while the registry was away: nothing was fetched, nothing to undo
    }
  }

  private void pollOnce() {
    if (transactions.recovering()) {
      // records fetched now are fetched again from the committed offsets once it resumes
      state.consumer().poll(RECOVERY_POLL);
      completions.handleAll(); // outcomes of abandoned attempts: discarded
      transactions.tryResume();
      applyFlowControl();
      return;
    }
    ConsumerRecords<String, byte[]> records = state.consumer().poll(pollTimeout());
    lastPollEmpty = records.isEmpty();
    try {
      admit(records);
      state.dispatcher().offerDue(state.clock().millis());
      control.apply();
      completions.handleAll();
      startJobs();
      if (state.inFlight().size() > 0 && !state.inFlight().hasCompletions() && !wantsRecords()) {
        // every slot is busy (or the queued jobs wait for their keys): sleep on the completion
        // queue, which wakes at the first finished job, rather than in consumer.poll
        completions.awaitOne(COMPLETION_WAIT_MS);
        completions.handleAll();
        startJobs();
      }
      transactions.commitIfDue(nothingAtHand());
    } catch (RegistryUnavailableException | SerializationException e) {
      transactions.recover("schema registry unavailable", e);
    } catch (ProducerLostException e) {
      transactions.producerLost(e);
    }
    applyFlowControl();
  }

  /**
   * Nothing the loop could add to the open transaction right now: the last poll found no new
   * records, none waits to start (but for the control table's freshness) and no finished job's
   * outcome waits to be handled. Jobs may still run; their outcomes go into a later commit. Then
   * pending outputs commit without waiting for the interval ({@link CommitPolicy}).
   */
  private boolean nothingAtHand() {
    return lastPollEmpty
        && (state.dispatcher().queued() == 0 || control.heldForFreshness())
        && !state.admission().waitingForMemory()
        && !state.inFlight().hasCompletions();
  }

  /**
   * A free slot and nothing queued that could use it now: new records (or the control table's
   * freshness, which the loop polls briefly for) are what the worker waits for.
   */
  private boolean wantsRecords() {
    return runner.hasFreeThread()
        && (state.dispatcher().queued() == 0 || control.heldForFreshness())
        && !state.admission().waitingForMemory();
  }

  private Duration pollTimeout() {
    if (state.inFlight().hasCompletions() || (state.inFlight().size() > 0 && !wantsRecords())) {
      return Duration.ZERO;
    }
    if (state.inFlight().size() > 0
        || state.dispatcher().queued() > 0
        || state.admission().waitingForMemory()
        || control.heldForFreshness()) {
      return BUSY_POLL;
    }
    Duration idle = idlePoll(transactions.untilCommitDue(true));
    long untilDue = state.dispatcher().nextDueMillis() - state.clock().millis();
    return untilDue < idle.toMillis() ? Duration.ofMillis(Math.max(0, untilDue)) : idle;
  }

  /**
   * An idle poll ends when the next commit is due (with outputs pending, once the minimum gap since
   * the last commit has passed): finished jobs' results are invisible until then, and a poll of the
   * full {@link #MAX_IDLE_POLL} after it is due held them back by up to that much (bench at 2,000
   * jobs/s: p50 284 -> 236 ms, p99 ~365 -> ~333 ms).
   */
  static Duration idlePoll(Duration untilCommitDue) {
    return untilCommitDue.compareTo(MAX_IDLE_POLL) < 0 ? untilCommitDue : MAX_IDLE_POLL;
  }

  private void admit(ConsumerRecords<String, byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    long fetchedAt = System.nanoTime();
    long nowMillis = state.clock().millis();
    control.fetched(fetchedAt);
    Set<TopicPartition> stopped = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (stopped.contains(tp)) {
        continue; // fetched again after the record that waits for the registry
      }
      AssignedPartition p = state.partitions().get(tp);
      if (p == null) {
        throw new IllegalStateException(
            "record from " + r.topic() + "-" + r.partition() + ", which is not assigned");
      }
      if (p.tracker().admit(r.offset()) != OffsetTracker.Admission.RUN) {
        log.debug(
            "skipping {}-{}@{}: its result was already committed",
            r.topic(),
            r.partition(),
            r.offset());
        continue;
      }
      try {
        FetchedJob fetched = new FetchedJob(r, decoder.decode(r.topic(), r.value()), fetchedAt);
        long dueMillis = fetched.job().getDueAt().toEpochMilli();
        if (dueMillis > nowMillis) {
          state.dispatcher().park(fetched, dueMillis); // released ahead of its due time
          String warning = early.fetched(fetched.job().getId(), dueMillis, nowMillis);
          if (warning != null) {
            log.warn("worker {}: {}", state.settings().workerId(), warning);
          }
        } else {
          state.dispatcher().offer(fetched);
        }
      } catch (UndecodableJobException e) {
        ends.undecodable(p, r, e);
      } catch (RegistryUnavailableException e) {
        awaitRegistry(p, r, e);
        stopped.add(tp);
      }
    }
  }

  /**
   * The record's writer schema is not cached and the schema registry does not answer: only its
   * partition waits. The record is fetched again after {@link WorkerTransactions#REGISTRY_BACKOFF}
   * (its partition paused till then); running jobs go on and what finished commits as usual, so
   * nothing runs twice because the registry was away.
   */
  private void awaitRegistry(AssignedPartition p, ConsumerRecord<String, byte[]> r, Exception e) {
    p.tracker().unadmit(r.offset());
    state.consumer().seek(p.partition(), r.offset());
    if (registryWait.put(
            p.partition(), state.clock().instant().plus(WorkerTransactions.REGISTRY_BACKOFF))
        == null) {
      log.warn(
          "worker {}: schema registry unavailable ({}); {} waits {} s before fetching again, the"
              + " other partitions and running jobs go on",
          state.settings().workerId(),
          e.getMessage(),
          p.partition(),
          WorkerTransactions.REGISTRY_BACKOFF.toSeconds());
    }
  }

  /**
   * A process that stood still longer than the session timeout (frozen, a paused VM, a starved
   * host) may have lost its partitions without knowing it: see {@link
   * WorkerTransactions#membershipInDoubt}. The loop merely waiting in a long call is not such a
   * stop: the heartbeat went on meanwhile ({@link PauseDetector}).
   */
  private void checkStandstill() {
    long stood = pauses.takeLongestStallMillis();
    if (stood > state.settings().sessionTimeout().toMillis()) {
      transactions.membershipInDoubt("the process stood still for " + stood + " ms");
    }
  }

  private void startJobs() {
    checkStandstill();
    if (transactions.startingSuspended()) {
      return;
    }
    control.startingRound();
    JobAdmission.Admitted<FetchedJob> next;
    while (runner.hasFreeThread() && (next = state.admission().next(control::freshFor)) != null) {
      if (control.heldOrCancelled(next)) {
        continue;
      }
      if (next.fits()) {
        start(next.job(), next.memoryBytes());
      } else {
        state.dispatcher().release(next.job().orderingKey());
        Instant now = state.clock().instant();
        ends.finish(
            next.job(),
            new AttemptOutcome.Failed(
                FailureClassifier.memoryBudgetExceeded(
                    next.memoryBytes(), state.admission().budget().capacity()),
                now,
                now));
      }
    }
  }

  /**
   * Memory a job declares: its type's limits.memory, lowered by the request's own (0 for an unknown
   * type).
   */
  private long declaredMemory(FetchedJob fetched) {
    JobTypeSpec spec = cfg.jobType(fetched.job().getType());
    return spec == null ? 0 : spec.limits().withOverrides(fetched.job().getLimits()).memoryBytes();
  }

  /**
   * Starts an attempt holding {@code memory} of the budget; the budget gets it back when the
   * executor let go.
   */
  private void start(FetchedJob fetched, long memory) {
    Job job = fetched.job();
    Instant now = state.clock().instant();
    JobTypeSpec spec = cfg.jobType(job.getType());
    if (Deadlines.expired(job, JobTypeSpec.maxQueueTimeOf(spec), now)) {
      state.admission().budget().release(memory);
      state.dispatcher().release(fetched.orderingKey());
      ends.expired(fetched, spec, now);
      return;
    }
    Optional<Executor> executor = spec == null ? Optional.empty() : executors.find(spec);
    if (executor.isEmpty()) {
      state.admission().budget().release(memory);
      var failure =
          spec == null
              ? FailureClassifier.unknownType(job.getType())
              : FailureClassifier.unknownHandler(spec.handler(), job.getType());
      state.dispatcher().release(fetched.orderingKey());
      ends.finish(fetched, new AttemptOutcome.Failed(failure, now, now));
      return;
    }
    boolean started = false;
    try {
      state.tx().hold();
      outputs.started(job, now);
      // the attempt may send its own outputs only into this transaction or a later one it
      // survives: an abort from here on stops it (OutputTransaction's invariant)
      long generation = state.tx().generation();
      AttemptContext ctx =
          new AttemptContext(
              job,
              state.settings().workerId(),
              now,
              now.plus(timeout(job, spec)),
              fetched.traceParent());
      RunningJob running = state.inFlight().newJob(fetched);
      Executor e = executor.get();
      started = true; // from here the runner gives the memory back, whatever happens
      state
          .inFlight()
          .started(
              running,
              runner.start(
                  e.body(),
                  ctx,
                  ends.reporter(
                      running, generation, () -> !ctx.isCancelled(), state.inFlight()::report),
                  e.timerSlack(),
                  () -> state.admission().budget().release(memory)));
    } catch (RuntimeException e) {
      if (!started) {
        state.admission().budget().release(memory);
      }
      // not started: its key must not stay locked, or the key's later jobs would never run
      state.dispatcher().release(fetched.orderingKey());
      throw e;
    }
    Duration sinceDue = Duration.between(job.getDueAt(), now);
    Duration sinceFetch = Duration.ofNanos(System.nanoTime() - fetched.fetchedAtNanos());
    // a job fetched before it was due has waited in this worker only since it became due
    state
        .metrics()
        .started(
            job.getType(),
            sinceDue,
            sinceDue.compareTo(sinceFetch) < 0 && !sinceDue.isNegative() ? sinceDue : sinceFetch);
  }

  /** The job's own timeout (its type's default when unset), never beyond the type's maximum. */
  private static Duration timeout(Job job, JobTypeSpec spec) {
    Duration requested =
        job.getTimeoutMs() > 0 ? Duration.ofMillis(job.getTimeoutMs()) : spec.defaultTimeout();
    return requested.compareTo(spec.maxTimeout()) > 0 ? spec.maxTimeout() : requested;
  }

  private void applyFlowControl() {
    buffered = state.dispatcher().queued();
    parked = state.dispatcher().parked();
    Set<TopicPartition> assigned = state.partitions().partitions();
    boolean full =
        !runner.hasFreeThread()
            || state.admission().waitingForMemory()
            || state.dispatcher().active() >= state.settings().concurrency();
    Set<TopicPartition> wanted =
        transactions.fetchingSuspended()
            ? assigned
            : flow.partitionsToPause(
                state.dispatcher().queued(),
                full,
                state.partitions().spans(),
                p -> state.dispatcher().queuedUpToRank(ranks.of(p.topic())));
    Instant now = state.clock().instant();
    registryWait.keySet().retainAll(assigned);
    registryWait.values().removeIf(until -> !now.isBefore(until));
    if (!registryWait.isEmpty()) {
      wanted = new HashSet<>(wanted);
      wanted.addAll(registryWait.keySet());
    }
    Set<TopicPartition> paused = state.consumer().paused();
    Set<TopicPartition> toPause = new HashSet<>(wanted);
    toPause.removeAll(paused);
    Set<TopicPartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    toResume.retainAll(assigned);
    if (!toPause.isEmpty()) {
      state.consumer().pause(toPause);
    }
    if (!toResume.isEmpty()) {
      state.consumer().resume(toResume);
    }
  }

  private void closeQuietly() {
    if (pauses != null) {
      pauses.close();
    }
    runner.close();
    try {
      // Leave the group even as a static member: a stopped worker's partitions then move to the
      // others at once instead of after its session timeout. A crashed one (no close) keeps them
      // for that long, so a quick restart still gets them back without a rebalance.
      state
          .consumer()
          .close(
              CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP)
                  .withTimeout(Duration.ofSeconds(10)));
    } catch (RuntimeException e) {
      log.warn("closing the consumer failed: {}", e.toString());
    }
    try {
      state.tx().close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("closing the producer failed: {}", e.toString());
    }
    committer.shutdownNow();
    state.metrics().close();
    log.info("worker {} stopped", state.settings().workerId());
  }
}

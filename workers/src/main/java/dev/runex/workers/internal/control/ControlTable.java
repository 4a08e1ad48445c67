package dev.runex.workers.internal.control;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.feedback.FeedbackRecords;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's in-memory copy of the compacted {@code control} topic: the latest action per target
 * ({@code job:<id>} → CANCEL, {@code tenant:/type:/pool:} → PAUSE or RESUME). Filled by a {@link
 * ControlTableReader} on its own thread, read by the poll loop; thread-safe.
 *
 * <p>The poll loop learns about changes by {@link #version()} and takes the newly cancelled job ids
 * from {@link #takeNewCancels()}, so it can stop a running attempt or drop a queued job. The table
 * is {@link #isCaughtUp() caught up} once the reader has read the topic up to its end as of the
 * worker's start: before that the worker starts no job, so a pause or cancel written before a
 * restart is never missed. After that it is {@link #isFreshAsOf fresh as of} the last time the
 * reader read the topic to the end offsets it asked for then: the poll loop starts a job only once
 * the table is fresh as of the moment the job was fetched, so a pause or cancel acknowledged before
 * a job was submitted is never missed either.
 */
public final class ControlTable {
  private final Map<String, ControlCommand> commands = new ConcurrentHashMap<>();
  private final Queue<String> newCancels = new ConcurrentLinkedQueue<>();
  private final AtomicLong version = new AtomicLong();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  // freshness, in System.nanoTime() of this JVM: every command written before freshAsOf is applied
  private final AtomicLong freshAsOf = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong wanted = new AtomicLong(Long.MIN_VALUE);
  private volatile boolean alwaysFresh;
  private volatile boolean readerIdle;
  private volatile Runnable wakeReader = () -> {};

  /** A table that needs no reading (no control topic): caught up, empty and always fresh. */
  public static ControlTable empty() {
    ControlTable t = new ControlTable();
    t.markCaughtUp();
    t.markAlwaysFresh();
    return t;
  }

  /**
   * Applies one record of the topic: a command, or a tombstone ({@code command} null) that forgets
   * the target.
   */
  public void apply(String target, ControlCommand command) {
    if (target == null) {
      return;
    }
    ControlCommand before =
        command == null ? commands.remove(target) : commands.put(target, command);
    boolean newCancel =
        command != null
            && command.getAction() == ControlAction.CANCEL
            && target.startsWith(ControlTargets.JOB)
            && (before == null || before.getAction() != ControlAction.CANCEL);
    if (newCancel) {
      newCancels.add(target.substring(ControlTargets.JOB.length()));
    }
    version.incrementAndGet();
  }

  /** Grows with every applied record. */
  public long version() {
    return version.get();
  }

  /** Job ids cancelled since the previous call, in arrival order. */
  public List<String> takeNewCancels() {
    List<String> out = new ArrayList<>();
    String id;
    while ((id = newCancels.poll()) != null) {
      out.add(id);
    }
    return out;
  }

  /** The cancel of {@code jobId}, if it was cancelled. */
  public Optional<ControlCommand> cancelOf(String jobId) {
    ControlCommand c = commands.get(ControlTargets.job(jobId));
    return c != null && c.getAction() == ControlAction.CANCEL ? Optional.of(c) : Optional.empty();
  }

  /**
   * The first paused target that holds {@code job} back in {@code pool}: its pool, tenant or type.
   */
  public Optional<String> pausedBy(Job job, String pool) {
    for (String target :
        List.of(
            ControlTargets.pool(pool),
            ControlTargets.tenant(String.valueOf(job.getTenant())),
            ControlTargets.type(job.getType()))) {
      ControlCommand c = commands.get(target);
      if (c != null && c.getAction() == ControlAction.PAUSE) {
        return Optional.of(target);
      }
    }
    return Optional.empty();
  }

  /**
   * For a job that a schedule fired ahead of its time ({@code runex.topology.releaseAhead}) and
   * whose schedule was paused before that time: the cancel that takes the firing back, as the
   * topology would not have fired it had the pause come first. Empty for any other job: not fired
   * by a schedule, a retry, a firing whose time had come when the pause came, a schedule resumed.
   */
  public Optional<ControlCommand> firingTakenBack(Job job) {
    Map<String, String> labels = job.getLabels();
    String schedule = FeedbackRecords.scheduleOf(labels);
    String at = labels == null ? null : labels.get(FeedbackRecords.FIRE_TIME_LABEL);
    if (schedule == null || at == null || job.getAttempt() > 1) {
      return Optional.empty();
    }
    ControlCommand pause = commands.get(ControlTargets.schedule(schedule));
    if (pause == null || pause.getAction() != ControlAction.PAUSE) {
      return Optional.empty();
    }
    Instant fireAt;
    try {
      fireAt = Instant.parse(at);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    if (!pause.getTime().isBefore(fireAt)) {
      return Optional.empty();
    }
    return Optional.of(
        ControlTargets.command(
            ControlTargets.job(job.getId()),
            ControlAction.CANCEL,
            pause.getRequestedBy(),
            "schedule "
                + schedule
                + " paused at "
                + pause.getTime()
                + ", before this firing's time "
                + fireAt,
            pause.getTime()));
  }

  /** Every paused target (tenant, type, pool, schedule) with the command that paused it. */
  public Map<String, ControlCommand> paused() {
    Map<String, ControlCommand> out = new java.util.TreeMap<>();
    commands.forEach(
        (target, c) -> {
          if (c.getAction() == ControlAction.PAUSE) {
            out.put(target, c);
          }
        });
    return out;
  }

  /** True when {@code target} is paused now. */
  public boolean isPaused(String target) {
    ControlCommand c = commands.get(target);
    return c != null && c.getAction() == ControlAction.PAUSE;
  }

  /**
   * True when every command written to the topic before {@code nanos} ({@link System#nanoTime()} in
   * this JVM) has been applied: a pause or cancel acknowledged before a job was fetched is then
   * known when it starts.
   */
  public boolean isFreshAsOf(long nanos) {
    return alwaysFresh || freshAsOf.get() >= nanos;
  }

  /** Asks the reader to read the topic up to its end as of now, so the table becomes fresh. */
  public void requireFreshAsOf(long nanos) {
    if (isFreshAsOf(nanos)) {
      return;
    }
    wanted.accumulateAndGet(nanos, Math::max);
    if (readerIdle) {
      wakeReader.run();
    }
  }

  /** For the reader: a caller waits for a fresher table than it has. */
  boolean freshnessWanted() {
    return !alwaysFresh && wanted.get() > freshAsOf.get();
  }

  /**
   * For the reader: it is about to wait for new records ({@code idle}), or is reading; a request
   * for freshness calls {@code wake} while it waits.
   */
  void readerIdle(boolean idle, Runnable wake) {
    wakeReader = wake;
    readerIdle = idle;
  }

  /** For the reader: every command written before {@code startedNanos} has been applied. */
  void markFreshAsOf(long startedNanos) {
    freshAsOf.accumulateAndGet(startedNanos, Math::max);
    version.incrementAndGet(); // the poll loop looks again at jobs held until the table was fresh
  }

  /**
   * No reader keeps the table fresh any more (no control topic, or the reader failed): nobody waits
   * for freshness, as nobody could provide it.
   */
  public void markAlwaysFresh() {
    alwaysFresh = true;
    version.incrementAndGet();
  }

  public void markCaughtUp() {
    caughtUp.countDown();
  }

  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Waits up to {@code timeout} for the reader to catch up; true when it has. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}

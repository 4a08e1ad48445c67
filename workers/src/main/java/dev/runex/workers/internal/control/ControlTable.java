package dev.runex.workers.internal.control;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.control.ControlTargets;
import java.time.Duration;
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
 * restart is never missed.
 */
public final class ControlTable {
  private final Map<String, ControlCommand> commands = new ConcurrentHashMap<>();
  private final Queue<String> newCancels = new ConcurrentLinkedQueue<>();
  private final AtomicLong version = new AtomicLong();
  private final CountDownLatch caughtUp = new CountDownLatch(1);

  /** A table that needs no reading (no control topic): caught up and empty. */
  public static ControlTable empty() {
    ControlTable t = new ControlTable();
    t.markCaughtUp();
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

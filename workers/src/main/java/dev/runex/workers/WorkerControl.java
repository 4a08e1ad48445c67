package dev.runex.workers;

import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.workers.internal.admission.JobAdmission;
import dev.runex.workers.internal.control.ControlTable;
import dev.runex.workers.internal.execution.KeyedDispatcher;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pause, resume and cancel as the poll loop applies them, from the worker's {@link ControlTable}
 * (the compacted control topic): no job starts before the table has caught up, nor before it has
 * read every command written before the job was fetched; a job whose pool, tenant or type is paused
 * is held at the head of its key; a cancelled job ends CANCELLED instead of starting, and a running
 * one is interrupted. Poll-loop thread only.
 */
final class WorkerControl {
  private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

  private final ControlTable control;
  private final String pool;
  private final String workerId;
  private final KeyedDispatcher<Object, FetchedJob> dispatcher;
  private final JobAdmission<FetchedJob> admission;
  private final InFlightJobs inFlight;
  private final AttemptEnds ends;
  private long seenVersion = -1;

  /** A held job waits for the control table to be fresh as of its fetch. */
  private boolean staleHeld;

  /** The last round of starts left jobs queued until the table is fresh as of their fetch. */
  private boolean staleQueued;

  WorkerControl(
      ControlTable control,
      WorkerSettings settings,
      KeyedDispatcher<Object, FetchedJob> dispatcher,
      JobAdmission<FetchedJob> admission,
      InFlightJobs inFlight,
      AttemptEnds ends) {
    this.control = control;
    this.pool = settings.pool();
    this.workerId = settings.workerId();
    this.dispatcher = dispatcher;
    this.admission = admission;
    this.inFlight = inFlight;
    this.ends = ends;
  }

  /**
   * Blocks until the control table has read the control topic to its end, or {@code stopping} says
   * to give up; false when interrupted.
   */
  boolean awaitCaughtUp(BooleanSupplier stopping) {
    try {
      while (!stopping.getAsBoolean() && !control.awaitCaughtUp(Duration.ofSeconds(5))) {
        log.info(
            "worker {} waiting for the control topic to be read before starting jobs", workerId);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A poll returned records at {@code nanos}: the reader starts making the table that fresh. */
  void fetched(long nanos) {
    control.requireFreshAsOf(nanos);
  }

  /** A round of starts begins: whether it leaves jobs waiting for freshness is its own. */
  void startingRound() {
    staleQueued = false;
  }

  /**
   * Whether a fetched job may be taken to start as far as freshness goes: the control table has
   * read every command written before the job was fetched. One that may not stays queued (the
   * dispatcher passes over its rank, {@link KeyedDispatcher#next(java.util.function.Predicate)})
   * and the poll loop polls briefly until the table is (see {@link #heldForFreshness()}). Taking
   * only fresh jobs, rather than holding each stale one and letting it go again, matters in a
   * drain: every poll's jobs are stale when first looked at.
   */
  boolean freshFor(FetchedJob fetched) {
    if (control.isFreshAsOf(fetched.fetchedAtNanos())) {
      return true;
    }
    staleQueued = true;
    return false;
  }

  /**
   * Before a job starts: one fetched after the control table was last known fresh is held until it
   * is (the poll loop does not wait: it polls briefly meanwhile, see {@link #heldForFreshness()});
   * a cancelled one ends CANCELLED, and so does a schedule's firing fired ahead of a pause of its
   * schedule ({@link ControlTable#firingTakenBack}); a paused one is held; true for all three. Jobs
   * taken through {@link #freshFor} are fresh already.
   */
  boolean heldOrCancelled(JobAdmission.Admitted<FetchedJob> next) {
    FetchedJob fetched = next.job();
    boolean stale = !control.isFreshAsOf(fetched.fetchedAtNanos());
    Optional<ControlCommand> cancel =
        control.cancelOf(fetched.job().getId()).or(() -> control.firingTakenBack(fetched.job()));
    Optional<String> pausedBy =
        cancel.isPresent() || stale ? Optional.empty() : control.pausedBy(fetched.job(), pool);
    if (cancel.isEmpty() && pausedBy.isEmpty() && !stale) {
      return false;
    }
    if (next.fits()) {
      admission.budget().release(next.memoryBytes());
    }
    if (stale && cancel.isEmpty()) {
      log.debug(
          "job {} held until the control topic is read up to its fetch [{}]",
          fetched.job().getId(),
          fetched.source());
      dispatcher.hold(fetched);
      staleHeld = true;
    } else if (cancel.isPresent()) {
      dispatcher.release(fetched.orderingKey());
      ends.cancelled(fetched, cancel.get(), null, null);
    } else {
      log.debug(
          "job {} held: {} is paused [{}]",
          fetched.job().getId(),
          pausedBy.get(),
          fetched.source());
      dispatcher.hold(fetched);
    }
    return true;
  }

  /**
   * True while a job waits for the control table to be fresh as of its fetch: usually one
   * ListOffsets request of the control reader, so the loop polls briefly rather than idly.
   */
  boolean heldForFreshness() {
    return staleHeld || staleQueued;
  }

  /** When control commands arrived: cancel running and queued jobs, let resumed ones start. */
  void apply() {
    long version = control.version();
    if (version == seenVersion) {
      return;
    }
    seenVersion = version;
    for (String jobId : control.takeNewCancels()) {
      if (inFlight.cancel(jobId) > 0) {
        log.info("job {} cancelled while running: interrupting it", jobId);
      }
      for (FetchedJob queued : dispatcher.removeQueuedIf(f -> f.job().getId().equals(jobId))) {
        ends.cancelled(queued, control.cancelOf(jobId).orElseThrow(), null, null);
      }
    }
    boolean stillStale = false;
    for (FetchedJob head : dispatcher.heldHeads()) {
      Job job = head.job();
      boolean fresh = control.isFreshAsOf(head.fetchedAtNanos());
      if (control.cancelOf(job.getId()).isPresent()
          || (fresh && control.pausedBy(job, pool).isEmpty())) {
        dispatcher.unhold(head.orderingKey());
      } else if (!fresh) {
        stillStale = true;
      }
    }
    staleHeld = stillStale;
  }
}

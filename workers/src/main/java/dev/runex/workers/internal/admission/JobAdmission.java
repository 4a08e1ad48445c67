package dev.runex.workers.internal.admission;

import dev.runex.workers.internal.execution.KeyedDispatcher;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Admission control: which fetched job starts next. Jobs leave the {@link KeyedDispatcher} in order
 * (key order kept, no key starved); each must then reserve its declared memory from the {@link
 * MemoryBudget}. When it does not fit, it waits at the head — no job behind it overtakes it, so a
 * large job is not starved by a stream of small ones — until running jobs give memory back. A job
 * declaring more than the whole budget could never start here: it is handed back as such, to fail
 * instead of waiting forever. Poll-loop thread only.
 *
 * @param <J> a fetched job
 */
public final class JobAdmission<J> {
  /**
   * A job allowed to start, with the memory reserved for it; or one that can never fit ({@code
   * fits} false).
   */
  public record Admitted<J>(J job, long memoryBytes, boolean fits) {}

  private final KeyedDispatcher<Object, J> dispatcher;
  private final MemoryBudget budget;
  private final ToLongFunction<J> declaredMemory;
  private final Function<J, Object> orderingKey;
  private J waiting;

  /**
   * @param declaredMemory the memory a job declares ({@code limits.memory})
   * @param orderingKey the key the dispatcher orders the job by (released when a waiting job is
   *     dropped)
   */
  public JobAdmission(
      KeyedDispatcher<Object, J> dispatcher,
      MemoryBudget budget,
      ToLongFunction<J> declaredMemory,
      Function<J, Object> orderingKey) {
    this.dispatcher = dispatcher;
    this.budget = budget;
    this.declaredMemory = declaredMemory;
    this.orderingKey = orderingKey;
  }

  /** The next job to start, or null: nothing ready, or the job at the head waits for memory. */
  public Admitted<J> next() {
    return next(job -> true);
  }

  /**
   * As {@link #next()}, taking from the dispatcher only a job {@code startable} accepts ({@link
   * KeyedDispatcher#next(Predicate)}); a job already waiting for memory was accepted when taken.
   */
  public Admitted<J> next(Predicate<J> startable) {
    J job = waiting != null ? waiting : dispatcher.next(startable);
    if (job == null) {
      return null;
    }
    long bytes = declaredMemory.applyAsLong(job);
    if (!budget.canEverFit(bytes)) {
      waiting = null;
      return new Admitted<>(job, bytes, false);
    }
    if (!budget.tryReserve(bytes)) {
      waiting = job;
      return null;
    }
    waiting = null;
    return new Admitted<>(job, bytes, true);
  }

  /** Whether a job is waiting for memory (the worker counts as full). */
  public boolean waitingForMemory() {
    return waiting != null;
  }

  /**
   * Forgets the waiting job if it matches (rewind, revoked partition): its key is released, it will
   * be fetched again.
   */
  public void dropWaitingIf(Predicate<J> which) {
    if (waiting != null && which.test(waiting)) {
      dispatcher.release(orderingKey.apply(waiting));
      waiting = null;
    }
  }

  public MemoryBudget budget() {
    return budget;
  }
}

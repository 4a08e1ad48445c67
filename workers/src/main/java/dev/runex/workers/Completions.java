package dev.runex.workers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes attempts' outcomes off the completion queue on the poll loop: frees the job's key and ends
 * the record through {@link AttemptEnds}, unless the attempt was abandoned meanwhile (its outcome
 * is stale and the job reruns). Used by the loop between polls and by the drains of a revocation or
 * shutdown. Poll-loop thread only.
 */
final class Completions {
  private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);

  private final WorkerState state;
  private final AttemptEnds ends;

  Completions(WorkerState state, AttemptEnds ends) {
    this.state = state;
    this.ends = ends;
  }

  /** Waits up to {@code timeoutMs} for one outcome and handles it. */
  void awaitOne(long timeoutMs) {
    state.rounds().markIfStarted(state.clock());
    try {
      Completion c = state.inFlight().poll(timeoutMs);
      if (c != null) {
        handle(c);
      }
    } catch (InterruptedException e) {
      // nobody interrupts this thread but a JVM going down: behave as if close() was called
      Thread.currentThread().interrupt();
      state.stop().request();
    }
  }

  /** Handles every outcome already queued. */
  void handleAll() {
    Completion c;
    while ((c = state.inFlight().poll()) != null) {
      handle(c);
    }
  }

  private void handle(Completion c) {
    FetchedJob fetched = c.job().fetched();
    state.dispatcher().release(fetched.orderingKey());
    if (!state.inFlight().retire(c)) {
      log.debug("discarding the outcome of abandoned attempt {}", fetched.source());
      return;
    }
    ends.finish(fetched, c.outcome(), c.prepared(), c.sent());
  }
}

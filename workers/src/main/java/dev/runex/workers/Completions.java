package dev.runex.workers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes attempts' news off the completion queue on the poll loop: a start puts the attempt's
 * STARTED event into the open transaction; an outcome frees the job's key and ends the record
 * through {@link AttemptEnds}. Either is dropped when the attempt was abandoned meanwhile (it is
 * stale and the job reruns). Used by the loop between polls and by the drains of a revocation or
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
      AttemptNews c = state.inFlight().poll(timeoutMs);
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
    AttemptNews c;
    while ((c = state.inFlight().poll()) != null) {
      handle(c);
    }
  }

  private void handle(AttemptNews news) {
    if (news instanceof AttemptNews.Started s) {
      started(s);
    } else {
      completed((Completion) news);
    }
  }

  private void started(AttemptNews.Started s) {
    if (!state.inFlight().isLive(s.job())) {
      return; // abandoned, or already ended (its timeout came first): no STARTED after the end
    }
    ends.started(s.job().fetched(), s.startedAt(), s.event());
  }

  private void completed(Completion c) {
    FetchedJob fetched = c.job().fetched();
    state.dispatcher().release(fetched.orderingKey());
    if (!state.inFlight().retire(c)) {
      log.debug("discarding the outcome of abandoned attempt {}", fetched.source());
      return;
    }
    ends.finish(fetched, c.outcome(), c.prepared(), c.sent());
  }
}

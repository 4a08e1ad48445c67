package dev.runex.workers;

import dev.runex.workers.internal.execution.RunningAttempt;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The attempts running now and the queue their outcomes arrive on. Handler and timer threads only
 * enqueue (with the outputs they built, and sent where allowed: {@link AttemptEnds#reporter});
 * everything else happens on the poll loop. An abandoned attempt (rewind, revocation, shutdown) is
 * forgotten here, and the rewind epoch moves on, so its late outcome is recognised as stale and
 * produces nothing: the job reruns from its uncommitted offset instead.
 */
final class InFlightJobs {
  private final Map<RunningJob, RunningAttempt> running = new HashMap<>();
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private long epoch;

  RunningJob newJob(FetchedJob fetched) {
    return new RunningJob(fetched, epoch);
  }

  /** Hands the poll loop an attempt's outcome; safe to call from any thread. */
  void report(Completion c) {
    completions.add(c);
  }

  void started(RunningJob job, RunningAttempt attempt) {
    running.put(job, attempt);
  }

  Completion poll() {
    return completions.poll();
  }

  Completion poll(long timeoutMs) throws InterruptedException {
    return completions.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  boolean hasCompletions() {
    return !completions.isEmpty();
  }

  /** Takes {@code c}'s attempt off the running set; false when it was abandoned (stale outcome). */
  boolean retire(Completion c) {
    return running.remove(c.job()) != null && c.job().epoch() == epoch;
  }

  /** Abandons every running attempt and starts a new epoch (after an aborted transaction). */
  void abandonAll() {
    epoch++;
    running.values().forEach(RunningAttempt::abandon);
    running.clear();
  }

  /** Abandons the running attempts that match (for instance those of revoked partitions). */
  int abandon(Predicate<RunningJob> which) {
    int n = 0;
    Iterator<Map.Entry<RunningJob, RunningAttempt>> it = running.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<RunningJob, RunningAttempt> e = it.next();
      if (which.test(e.getKey())) {
        e.getValue().abandon();
        it.remove();
        n++;
      }
    }
    return n;
  }

  /**
   * Cancels (interrupts) the running attempts of job {@code jobId}; their outcomes still arrive.
   * Returns how many.
   */
  int cancel(String jobId) {
    int n = 0;
    for (Map.Entry<RunningJob, RunningAttempt> e : running.entrySet()) {
      if (e.getKey().fetched().job().getId().equals(jobId)) {
        e.getValue().cancel();
        n++;
      }
    }
    return n;
  }

  int count(Predicate<RunningJob> which) {
    int n = 0;
    for (RunningJob j : running.keySet()) {
      if (which.test(j)) {
        n++;
      }
    }
    return n;
  }

  int size() {
    return running.size();
  }
}

package dev.runex.workers;

import dev.runex.workers.internal.execution.AttemptOutcome;
import dev.runex.workers.internal.execution.RunningAttempt;
import dev.runex.workers.internal.output.AttemptOutputs;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The attempts running now and the queue their news arrives on ({@link AttemptNews}: started, and
 * the outcome). Handler and timer threads only enqueue, with the records they encoded; everything
 * else happens on the poll loop. An abandoned attempt (rewind, revocation, shutdown) is forgotten
 * here, and the rewind epoch moves on, so its late outcome is recognised as stale and produces
 * nothing: the job reruns from its uncommitted offset instead.
 */
final class InFlightJobs {
  private final Map<RunningJob, RunningAttempt> running = new HashMap<>();
  private final BlockingQueue<AttemptNews> completions = new LinkedBlockingQueue<>();
  private long epoch;

  RunningJob newJob(FetchedJob fetched) {
    return new RunningJob(fetched, epoch);
  }

  /**
   * Where the attempt of {@code job} reports its outcome, with the outputs {@code prepare} encodes
   * for it on the reporting thread; safe to call from any thread.
   */
  Consumer<AttemptOutcome> reporter(
      RunningJob job, Function<AttemptOutcome, AttemptOutputs> prepare, Shipper ship) {
    return outcome -> {
      AttemptOutputs out = prepare.apply(outcome);
      if (out == null
          || !ship.trySend(
              outcome, out, () -> completions.add(new Completion(job, outcome, out, true)))) {
        completions.add(new Completion(job, outcome, out, false));
      }
    };
  }

  /** Sends an attempt's outputs from its own thread when it may, announcing that it did. */
  @FunctionalInterface
  interface Shipper {
    /**
     * Sends {@code out} and runs {@code announce} (both or neither); false when it did not send.
     */
    boolean trySend(AttemptOutcome outcome, AttemptOutputs out, Runnable announce);
  }

  /** Tells the poll loop the attempt of {@code job} got its thread; safe from any thread. */
  void announceStart(
      RunningJob job, Instant startedAt, ProducerRecord<byte[], byte[]> startedEvent) {
    completions.add(new AttemptNews.Started(job, startedAt, startedEvent));
  }

  void started(RunningJob job, RunningAttempt attempt) {
    running.put(job, attempt);
  }

  AttemptNews poll() {
    return completions.poll();
  }

  AttemptNews poll(long timeoutMs) throws InterruptedException {
    return completions.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  boolean hasCompletions() {
    return !completions.isEmpty();
  }

  /** Whether {@code job}'s attempt still runs and was not abandoned (its news is not stale). */
  boolean isLive(RunningJob job) {
    return job.epoch() == epoch && running.containsKey(job);
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

package dev.runex.workers;

import dev.runex.workers.internal.admission.JobAdmission;
import dev.runex.workers.internal.execution.KeyedDispatcher;
import dev.runex.workers.internal.monitoring.WorkerMetrics;
import dev.runex.workers.internal.offsets.AssignedPartitions;
import dev.runex.workers.internal.output.OutputTransaction;
import java.time.Clock;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * What the poll loop ({@link WorkerLoop}) and its transaction boundaries ({@link
 * WorkerTransactions}) share: the consumer and the open transaction, the partitions assigned, the
 * jobs fetched, waiting and running, whether the worker is to stop and when the loop last came
 * round. Both act on this state instead of on each other's fields. Poll-loop thread only, except
 * the stop flag and the rounds, which other threads read.
 *
 * @param partitions assigned partitions and their offset trackers
 * @param inFlight attempts running now and the queue of their outcomes
 * @param dispatcher fetched jobs waiting for their key (or held while paused)
 * @param admission the next job to start, within the memory budget
 * @param rounds when the loop last made progress (health)
 */
record WorkerState(
    WorkerSettings settings,
    Clock clock,
    Consumer<String, byte[]> consumer,
    OutputTransaction tx,
    WorkerMetrics metrics,
    AssignedPartitions partitions,
    InFlightJobs inFlight,
    KeyedDispatcher<Object, FetchedJob> dispatcher,
    JobAdmission<FetchedJob> admission,
    StopFlag stop,
    Rounds rounds) {

  /** Set once the worker is to drain, commit and close; read by the loop between steps. */
  static final class StopFlag {
    private volatile boolean requested;

    void request() {
      requested = true;
    }

    boolean requested() {
      return requested;
    }
  }

  /**
   * When the loop last came round (epoch millis), from its first poll on; -1 before. Read by other
   * threads (health): a loop that stops coming round is stuck.
   */
  static final class Rounds {
    private volatile long last = -1;

    /** The loop came round. */
    void mark(Clock clock) {
      last = clock.millis();
    }

    /** Waiting for outcomes (also draining inside a rebalance callback) is progress too. */
    void markIfStarted(Clock clock) {
      if (last >= 0) {
        last = clock.millis();
      }
    }

    long last() {
      return last;
    }
  }
}

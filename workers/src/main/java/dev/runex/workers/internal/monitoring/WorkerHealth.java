package dev.runex.workers.internal.monitoring;

import dev.runex.monitoring.health.HealthIndicator;
import dev.runex.monitoring.health.HealthReport;
import dev.runex.monitoring.health.HealthReport.Check;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Liveness and readiness of a worker, from a {@link View} of it taken at each question.
 *
 * <p>Live: the poll loop runs and comes round (a loop that died — fenced, broker unusable, a bug —
 * or that has not come round for longer than the drain timeout plus {@link #STALL_MARGIN} is not),
 * and the control reader still follows the control topic (one that failed leaves the worker deaf to
 * pause and cancel). Before the loop starts polling, and while the worker stops, it is live.
 *
 * <p>Ready: the control table has been read to its end (no job starts before), the consumer group
 * has given the worker its assignment (possibly no partitions, when the pool has more replicas than
 * partitions), and the worker is not stopping.
 */
public final class WorkerHealth implements HealthIndicator {

  /**
   * Beyond the drain timeout, how long one round of the poll loop may take before it counts as
   * stuck: a transaction commit or an offset fetch may block up to a minute (max.block.ms,
   * default.api.timeout.ms) while the broker is away, which is no reason for a restart.
   */
  public static final Duration STALL_MARGIN = Duration.ofSeconds(90);

  /**
   * A worker at one moment.
   *
   * @param pool the pool it serves
   * @param started whether {@code start()} ran
   * @param loopAlive whether the poll-loop thread runs
   * @param stopping whether a stop was asked for (close, SIGTERM)
   * @param loopFailure why the loop stopped by itself, or null
   * @param sinceLastRound time since the loop last came round, or null before it started polling
   * @param drainTimeout {@code runex.worker.drainTimeout}
   * @param controlCaughtUp whether the control table has read the control topic to its end
   * @param controlFailure why the control reader stopped by itself, or null
   * @param assignmentReceived whether the group has given it its assignment
   * @param partitions partitions assigned now
   */
  public record View(
      String pool,
      boolean started,
      boolean loopAlive,
      boolean stopping,
      Throwable loopFailure,
      Duration sinceLastRound,
      Duration drainTimeout,
      boolean controlCaughtUp,
      Throwable controlFailure,
      boolean assignmentReceived,
      int partitions) {}

  private final Supplier<View> view;

  public WorkerHealth(Supplier<View> view) {
    this.view = view;
  }

  @Override
  public HealthReport liveness() {
    View v = view.get();
    return HealthReport.of(pollLoopLive(v), controlReaderLive(v));
  }

  @Override
  public HealthReport readiness() {
    View v = view.get();
    return HealthReport.of(pollLoopReady(v), controlTableReady(v), assignmentReady(v));
  }

  static Check pollLoopLive(View v) {
    if (!v.started()) {
      return new Check("poll-loop", true, "not started yet");
    }
    if (!v.loopAlive()) {
      if (v.loopFailure() != null) {
        return new Check("poll-loop", false, "stopped by itself: " + v.loopFailure());
      }
      return v.stopping()
          ? new Check("poll-loop", true, "stopped")
          : new Check("poll-loop", false, "the poll-loop thread has ended");
    }
    Duration limit = v.drainTimeout().plus(STALL_MARGIN);
    if (v.sinceLastRound() != null && v.sinceLastRound().compareTo(limit) > 0) {
      return new Check(
          "poll-loop",
          false,
          "has not come round for "
              + v.sinceLastRound().toSeconds()
              + " s (limit "
              + limit.toSeconds()
              + " s)");
    }
    return new Check(
        "poll-loop",
        true,
        v.sinceLastRound() == null ? "starting (before the first poll)" : "polling");
  }

  static Check controlReaderLive(View v) {
    return v.controlFailure() == null
        ? new Check("control-reader", true, "following the control topic")
        : new Check("control-reader", false, "stopped by itself: " + v.controlFailure());
  }

  static Check pollLoopReady(View v) {
    if (v.stopping()) {
      return new Check("poll-loop", false, "stopping");
    }
    if (!v.started() || !v.loopAlive() || v.loopFailure() != null) {
      return new Check("poll-loop", false, v.started() ? "not running" : "not started yet");
    }
    return new Check("poll-loop", true, "running");
  }

  static Check controlTableReady(View v) {
    return v.controlCaughtUp()
        ? new Check("control-table", true, "read to its end")
        : new Check("control-table", false, "reading the control topic (no job starts before)");
  }

  static Check assignmentReady(View v) {
    return v.assignmentReceived()
        ? new Check(
            "assignment", true, v.partitions() + " partition(s) of pool " + v.pool() + " assigned")
        : new Check(
            "assignment", false, "waiting for the consumer group to assign pool " + v.pool());
  }
}

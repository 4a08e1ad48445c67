package dev.runex.gateway.overview;

import java.util.List;

/**
 * Lifecycle figures of one pool (for one tenant, or all), from the events topic.
 *
 * @param inFlight jobs started and not finished
 * @param delayed jobs waiting for their due time (delayed, or waiting to retry)
 * @param throttled jobs held back by their tenant's quota
 * @param startedPerSecond attempts started per second over the last minute
 * @param finishedPerSecond jobs finished per second over the last minute
 * @param queueWaitP50Ms median time from due to start over the window (null: no sample)
 * @param queueWaitP99Ms 99th percentile of the same
 * @param runP50Ms median attempt run time over the window (null: no sample)
 * @param runP99Ms 99th percentile of the same
 * @param failureRate failed or timed-out share of the jobs that ended over the window (null: none
 *     ended)
 * @param series per time slot, oldest first: started and finished per second, waiting and in flight
 *     as sampled (-1: not sampled)
 */
public record PoolStats(
    long inFlight,
    long delayed,
    long throttled,
    double startedPerSecond,
    double finishedPerSecond,
    Long queueWaitP50Ms,
    Long queueWaitP99Ms,
    Long runP50Ms,
    Long runP99Ms,
    Double failureRate,
    List<Point> series) {

  /** One time slot of the series. */
  public record Point(
      long epochMillis, double started, double finished, long waiting, long inFlight) {}
}

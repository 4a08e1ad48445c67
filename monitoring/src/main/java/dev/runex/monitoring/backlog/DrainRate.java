package dev.runex.monitoring.backlog;

import java.util.ArrayList;
import java.util.List;

/**
 * The recent completion rate of one backlog, from successive samples of its worker group's
 * committed offsets (summed over the partitions): a worker commits a record's offset only once the
 * job is done, so offsets committed per second are jobs completed per second, across every replica
 * of the pool. The rate spans a sliding window. Not thread-safe: the probe's thread owns it.
 */
public final class DrainRate {
  private record Point(long atMillis, long committed) {}

  private final long windowMillis;
  private final List<Point> points = new ArrayList<>();

  public DrainRate(long windowMillis) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException("rate window must be positive, was " + windowMillis);
    }
    this.windowMillis = windowMillis;
  }

  /**
   * Adds a sample and returns the completion rate (offsets per second) over the window up to it;
   * NaN while there is no earlier sample to compare with.
   */
  public double record(long atMillis, long committed) {
    if (!points.isEmpty()) {
      Point last = points.get(points.size() - 1);
      if (committed < last.committed() || atMillis < last.atMillis()) {
        // offsets went back (group reset or deleted, topic recreated) or the clock did: start over
        points.clear();
      }
    }
    points.add(new Point(atMillis, committed));
    // keep one point at or before the window's start, so the rate spans the whole window
    while (points.size() > 2 && points.get(1).atMillis() <= atMillis - windowMillis) {
      points.remove(0);
    }
    Point first = points.get(0);
    if (points.size() < 2 || atMillis == first.atMillis()) {
      return Double.NaN;
    }
    return (committed - first.committed()) * 1000.0 / (atMillis - first.atMillis());
  }

  /**
   * Seconds to drain {@code lag} offsets at {@code ratePerSecond}: 0 when nothing lags, NaN when
   * the rate is not known yet, +Inf when nothing completes.
   */
  public static double drainSeconds(long lag, double ratePerSecond) {
    if (lag <= 0) {
      return 0;
    }
    if (Double.isNaN(ratePerSecond)) {
      return Double.NaN;
    }
    if (ratePerSecond <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    return lag / ratePerSecond;
  }
}

package dev.runex.gateway.overview;

import org.HdrHistogram.Histogram;

/**
 * What one time slot (a few seconds) of lifecycle events said for one pool, priority and tenant.
 */
final class StatBucket {
  private static final long MAX_MS = 24L * 3600 * 1000;

  long slot = -1;
  long started;
  long finished;
  long succeeded;
  long failed;
  long waitingSample = -1;
  long inFlightSample = -1;
  private Histogram queueWait;
  private Histogram runTime;

  void reset(long newSlot) {
    slot = newSlot;
    started = finished = succeeded = failed = 0;
    waitingSample = inFlightSample = -1;
    queueWait = null;
    runTime = null;
  }

  void recordWait(long ms) {
    if (queueWait == null) {
      queueWait = new Histogram(MAX_MS, 2);
    }
    queueWait.recordValue(Math.max(0, Math.min(ms, MAX_MS)));
  }

  void recordRun(long ms) {
    if (runTime == null) {
      runTime = new Histogram(MAX_MS, 2);
    }
    runTime.recordValue(Math.max(0, Math.min(ms, MAX_MS)));
  }

  void addWaitTo(Histogram total) {
    if (queueWait != null) {
      total.add(queueWait);
    }
  }

  void addRunTo(Histogram total) {
    if (runTime != null) {
      total.add(runTime);
    }
  }

  static Histogram empty() {
    return new Histogram(MAX_MS, 2);
  }
}

package dev.runex.workers.internal.execution;

import java.time.Duration;

/**
 * Notices jobs that reach the worker further ahead of their due time than the topology hands them
 * over ({@code runex.topology.releaseAhead}, plus a second's tolerance): the worker holds such a
 * job until it is due by its own clock, and its partition's commit point with it. That happens when
 * this host's clock is behind the topology's (or the two run with different leads), which an
 * operator should hear of. Counts each such job (for runex.worker.early.arrivals) and says so at
 * most once a minute, with how many such jobs came since. Poll thread only.
 */
public final class EarlyArrivals {
  static final long TOLERANCE_MS = 1_000;
  static final long EVERY_MS = 60_000;

  private final long leadMs;
  private final Runnable counted;
  private boolean warned;
  private long lastWarnedAt;
  private int since;

  /**
   * @param lead the topology's lead ({@code runex.topology.releaseAhead})
   * @param counted called for each job that arrived further ahead than the lead and the tolerance
   */
  public EarlyArrivals(Duration lead, Runnable counted) {
    this.leadMs = lead.toMillis();
    this.counted = counted;
  }

  /**
   * A job due at {@code dueMillis} fetched at {@code nowMillis} (epoch millis): the warning to log
   * now, or null.
   */
  public String fetched(String jobId, long dueMillis, long nowMillis) {
    long ahead = dueMillis - nowMillis;
    if (ahead <= leadMs + TOLERANCE_MS) {
      return null;
    }
    since++;
    counted.run();
    if (warned && nowMillis - lastWarnedAt < EVERY_MS) {
      return null;
    }
    String warning =
        "job "
            + jobId
            + " arrived "
            + ahead
            + " ms before it is due, more than runex.topology.releaseAhead ("
            + leadMs
            + " ms) hands jobs over: this worker holds it until then by its own clock, and its"
            + " partition's commit point with it. Is this host's clock behind the topology's? ("
            + since
            + " such job(s) "
            + (warned ? "in the last " + (nowMillis - lastWarnedAt) / 1_000 + " s)" : "so far)");
    warned = true;
    lastWarnedAt = nowMillis;
    since = 0;
    return warning;
  }
}

package dev.runex.topology.cleanup;

import dev.runex.topology.control.CancelledJobs;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes job cancels older than {@code runex.control.cancelRetention} from the compacted {@code
 * control} topic (tombstones), so the topic and every instance's copy of it stay bounded. Every
 * instance sees the whole control table; the delay-index task of partition 0 alone sweeps it from
 * its wall-clock punctuator, every half retention but at least every {@link #MAX_INTERVAL} (so a
 * cancel stays at most one and a half retentions, however short the retention), at most {@link
 * #MAX_PER_SWEEP} per run (more waiting: again at the next punctuation). Deleting a cancel twice is
 * harmless.
 */
public final class CancelRetention {
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);
  public static final int MAX_PER_SWEEP = 5_000;

  private static final Logger log = LoggerFactory.getLogger(CancelRetention.class);

  private final Duration retention;
  private final long intervalMs;
  private final CancelledJobs cancels;
  private long nextSweep;

  public CancelRetention(Duration retention, CancelledJobs cancels) {
    this.retention = retention;
    this.intervalMs = Math.min(MAX_INTERVAL.toMillis(), retention.toMillis() / 2);
    this.cancels = cancels;
  }

  /**
   * The control keys to delete now (each to be sent as a tombstone): empty unless {@code partition}
   * is 0 and a sweep is due at {@code now}.
   */
  public List<String> due(int partition, long now) {
    if (partition != 0 || now < nextSweep) {
      return List.of();
    }
    nextSweep = now + intervalMs;
    List<String> old = cancels.requestedBefore(now - retention.toMillis(), MAX_PER_SWEEP);
    if (!old.isEmpty()) {
      log.info("Deleted {} job cancels older than {}", old.size(), retention);
      // more than one batch: come back at the next punctuation
      nextSweep = old.size() == MAX_PER_SWEEP ? now : nextSweep;
    }
    return old;
  }
}

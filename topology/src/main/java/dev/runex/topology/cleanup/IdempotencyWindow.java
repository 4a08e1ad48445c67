package dev.runex.topology.cleanup;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Forgets idempotency keys once {@code runex.intake.idempotencyWindow} has passed since they were
 * first seen: their entry in {@code intake-dedupe} (key → job id, first-seen time) is deleted, a
 * tombstone in its changelog. Keys are filed in an {@link ExpiryIndex} ({@code
 * intake-dedupe-expiry}) when remembered; the dedupe stage's wall-clock punctuator runs {@link
 * #sweep} every {@link #INTERVAL}, at most {@link #MAX_PER_SWEEP} keys per run, and every second
 * while a run finds a full batch due ({@link SweepSchedule}). Lookups check the age themselves, so
 * the sweep only bounds the store's size.
 */
public final class IdempotencyWindow {
  public static final Duration INTERVAL = Duration.ofSeconds(30);
  public static final int MAX_PER_SWEEP = 10_000;

  private final Duration window;
  private final TimestampedKeyValueStore<String, String> seen;
  private final ExpiryIndex expiry;

  public IdempotencyWindow(
      Duration window, TimestampedKeyValueStore<String, String> seen, ExpiryIndex expiry) {
    this.window = window;
    this.seen = seen;
    this.expiry = expiry;
  }

  /** Whether a key first seen at {@code firstSeen} is past its window at {@code now}. */
  public boolean expired(long firstSeen, long now) {
    return firstSeen + window.toMillis() <= now;
  }

  /** Remembers {@code key} as first seen now, for {@code jobId}, and files its expiry. */
  public void remember(String key, String jobId, long now) {
    seen.put(key, ValueAndTimestamp.make(jobId, now));
    expiry.file(now + window.toMillis(), key);
  }

  /**
   * Deletes keys whose window ended, oldest first, at most {@link #MAX_PER_SWEEP}; an index entry
   * outlived by its key is re-filed. True when it took a full batch: more may be due.
   */
  public boolean sweep(long now) {
    List<String> due = expiry.takeDue(now, MAX_PER_SWEEP);
    for (String key : due) {
      ValueAndTimestamp<String> entry = seen.get(key);
      if (entry == null) {
        continue;
      }
      if (expired(entry.timestamp(), now)) {
        seen.delete(key);
      } else {
        // remembered again since, or the window grew across a restart: keep the index complete
        expiry.file(entry.timestamp() + window.toMillis(), key);
      }
    }
    return due.size() == MAX_PER_SWEEP;
  }
}

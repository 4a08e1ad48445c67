package dev.runex.topology.queueing;

import dev.runex.schemas.Job;

/**
 * Keys of the {@code delay-index} store: {@code <dueAt millis, zero-padded to 19 digits>|<job
 * id>#<attempt>} ({@link TimeOrderedKeys}), so a range scan over the store returns jobs in due
 * order; the id and attempt make each waiting attempt its own entry.
 */
public final class DelayIndexKey {
  private DelayIndexKey() {}

  public static String of(Job job) {
    return TimeOrderedKeys.of(job.getDueAt().toEpochMilli(), job.getId() + '#' + job.getAttempt());
  }

  /**
   * An upper bound (inclusive) above every key due at or before {@code now} and below every key due
   * later.
   */
  public static String dueBy(long now) {
    return TimeOrderedKeys.upTo(now);
  }

  static String pad(long millis) {
    return TimeOrderedKeys.pad(millis);
  }
}

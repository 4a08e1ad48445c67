package dev.runex.topology.queueing;

import dev.runex.schemas.Job;

/**
 * Keys of the {@code delay-index} store: {@code <dueAt millis, zero-padded to 19 digits>|<job id>#<attempt>}.
 * Zero-padded ASCII digits sort byte-wise like the numbers they spell, so a range scan over the
 * store returns jobs in due order; the id and attempt make each waiting attempt its own entry.
 */
public final class DelayIndexKey {
  private static final int DIGITS = 19; // Long.MAX_VALUE has 19 digits
  private static final String ZEROS = "0".repeat(DIGITS);

  private DelayIndexKey() {}

  public static String of(Job job) {
    return pad(job.getDueAt().toEpochMilli()) + '|' + job.getId() + '#' + job.getAttempt();
  }

  /**
   * An upper bound (inclusive) above every key due at or before {@code now} and below every key due
   * later: {@code '}'} sorts right after the {@code '|'} separator.
   */
  public static String dueBy(long now) {
    return pad(now) + '}';
  }

  static String pad(long millis) {
    // Times before the epoch are due anyway; clamping keeps the key's digits sortable.
    String digits = Long.toString(Math.max(0L, millis));
    return ZEROS.substring(digits.length()) + digits;
  }
}

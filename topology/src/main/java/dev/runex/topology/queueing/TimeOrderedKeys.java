package dev.runex.topology.queueing;

/**
 * Store keys that sort by time: {@code <millis, zero-padded to 19 digits>|<rest>}. Zero-padded
 * ASCII digits sort byte-wise like the numbers they spell, so a range scan over a key-value store
 * visits entries in time order. Every time-indexed store (delay index, dedupe and status expiry)
 * uses it.
 */
public final class TimeOrderedKeys {
  private static final int DIGITS = 19; // Long.MAX_VALUE has 19 digits
  private static final String ZEROS = "0".repeat(DIGITS);

  private TimeOrderedKeys() {}

  /** The key of {@code rest} at {@code millis}. */
  public static String of(long millis, String rest) {
    return pad(millis) + '|' + rest;
  }

  /**
   * An upper bound (inclusive) above every key at or before {@code millis} and below every later
   * key: {@code '}'} sorts right after the {@code '|'} separator.
   */
  public static String upTo(long millis) {
    return pad(millis) + '}';
  }

  /** The part after the time, as given to {@link #of}. */
  public static String rest(String key) {
    return key.substring(DIGITS + 1);
  }

  /** The time of a key made by {@link #of}. */
  public static long millis(String key) {
    return Long.parseLong(key.substring(0, DIGITS));
  }

  static String pad(long millis) {
    // Times before the epoch are due anyway; clamping keeps the key's digits sortable.
    String digits = Long.toString(Math.max(0L, millis));
    return ZEROS.substring(digits.length()) + digits;
  }
}

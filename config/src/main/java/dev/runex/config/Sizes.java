package dev.runex.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte sizes: a whole number of bytes ({@code 1048576}) or a whole number with a unit {@code
 * B}, {@code KB}, {@code MB}, {@code GB} (powers of 1024; {@code KiB}, {@code MiB}, {@code GiB} and
 * {@code K}, {@code M}, {@code G} mean the same), case-insensitive.
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*([a-z]*)");
  private static final long KB = 1024;

  private Sizes() {}

  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: " + text);
    }
    long amount = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "", "b" -> 1;
          case "k", "kb", "kib" -> KB;
          case "m", "mb", "mib" -> KB * KB;
          case "g", "gb", "gib" -> KB * KB * KB;
          case "t", "tb", "tib" -> KB * KB * KB * KB;
          default -> throw new IllegalArgumentException("not a size: " + text);
        };
    try {
      return Math.multiplyExact(amount, unit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("size out of range: " + text, e);
    }
  }

  /** The shortest exact text for {@code bytes}: {@code 256MB}, {@code 1536KB}, {@code 100B}. */
  public static String format(long bytes) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int i = 0;
    long v = bytes;
    while (i < units.length - 1 && v != 0 && v % KB == 0) {
      v /= KB;
      i++;
    }
    return v + units[i];
  }
}

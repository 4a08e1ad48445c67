package dev.runex.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Parses durations as ISO-8601 ({@code PT5S}) or the short forms {@code 250ms}, {@code 5s}, {@code
 * 2m}, {@code 1h}, {@code 1d}.
 */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String v = text.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    if (v.charAt(0) == 'P' || v.charAt(0) == 'p' || v.startsWith("-P")) {
      try {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration: " + text, e);
      }
    }
    String lower = v.toLowerCase(Locale.ROOT);
    int split = 0;
    while (split < lower.length() && (Character.isDigit(lower.charAt(split)))) {
      split++;
    }
    if (split == 0) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long amount = Long.parseLong(lower.substring(0, split));
    return switch (lower.substring(split)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s", "" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("not a duration: " + text);
    };
  }
}

package dev.runex.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A cron expression: six fields {@code second minute hour day-of-month month day-of-week}, or the
 * classic five without seconds (second 0). Each field: {@code *} (or {@code ?} for the day fields),
 * a value, a range {@code a-b}, a step {@code * /n}, {@code a/n} or {@code a-b/n}, or a list of
 * those separated by commas. Months and days may be named ({@code JAN}, {@code MON-FRI});
 * day-of-week 0 and 7 are Sunday. When both day fields are restricted a day matches either (classic
 * cron).
 *
 * <p>Read in a time zone by {@link #next}: a local time skipped by a daylight-saving gap does not
 * fire that day; one repeated by an overlap fires once, at its first occurrence.
 */
public final class CronExpression {
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** Searching further than this finds nothing that will ever come (e.g. 30 February). */
  private static final int MAX_YEARS = 8;

  private final String text;
  private final BitSet seconds;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronExpression(String text, String[] f) {
    this.text = text;
    this.seconds = field(f[0], "second", 0, 59, null);
    this.minutes = field(f[1], "minute", 0, 59, null);
    this.hours = field(f[2], "hour", 0, 23, null);
    this.daysOfMonth = field(f[3], "day-of-month", 1, 31, null);
    this.months = field(f[4], "month", 1, 12, MONTHS);
    BitSet dow = field(f[5], "day-of-week", 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0); // 7 is Sunday too
    }
    this.daysOfWeek = dow;
    this.anyDayOfMonth = isAny(f[3]);
    this.anyDayOfWeek = isAny(f[5]);
  }

  /** Parses {@code text}; IllegalArgumentException saying which field is wrong and why. */
  public static CronExpression parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty cron expression");
    }
    String[] parts = text.trim().split("\\s+");
    if (parts.length == 5) {
      parts = new String[] {"0", parts[0], parts[1], parts[2], parts[3], parts[4]};
    } else if (parts.length != 6) {
      throw new IllegalArgumentException(
          "a cron expression has 6 fields (second minute hour day-of-month month "
              + "day-of-week) or 5 (without seconds), '"
              + text
              + "' has "
              + parts.length);
    }
    return new CronExpression(text.trim(), parts);
  }

  /**
   * The first firing strictly after {@code after}, reading the fields in {@code zone}; null if none
   * ever comes.
   */
  public Instant next(Instant after, ZoneId zone) {
    LocalDateTime t =
        LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    LocalDateTime limit = t.plusYears(MAX_YEARS);
    while (t.isBefore(limit)) {
      LocalDateTime match = nextLocal(t, limit);
      if (match == null) {
        return null;
      }
      List<ZoneOffset> offsets = zone.getRules().getValidOffsets(match);
      if (!offsets
          .isEmpty()) { // empty: in a daylight-saving gap, this local time does not exist today
        Instant at = match.toInstant(offsets.get(0));
        if (at.isAfter(after)) {
          return at;
        }
      }
      t = match.plusSeconds(1);
    }
    return null;
  }

  /** The first local time at or after {@code t} that matches every field. */
  private LocalDateTime nextLocal(LocalDateTime t, LocalDateTime limit) {
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
      } else if (!seconds.get(t.getSecond())) {
        t = t.plusSeconds(1);
      } else {
        return t;
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow =
        daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  @Override
  public String toString() {
    return text;
  }

  private static boolean isAny(String field) {
    return field.equals("*") || field.equals("?");
  }

  private static BitSet field(String text, String name, int min, int max, List<String> names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      try {
        addPart(bits, part.toUpperCase(Locale.ROOT), min, max, names);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " field '" + text + "': " + e.getMessage());
      }
    }
    return bits;
  }

  private static void addPart(BitSet bits, String part, int min, int max, List<String> names) {
    int step = 1;
    String range = part;
    int slash = part.indexOf('/');
    if (slash >= 0) {
      step = number(part.substring(slash + 1), 1, max - min + 1, null, "step");
      range = part.substring(0, slash);
    }
    int from;
    int to;
    if (range.equals("*") || range.equals("?")) {
      from = min;
      to = max;
    } else if (range.contains("-")) {
      String[] ends = range.split("-", 2);
      from = number(ends[0], min, max, names, "value");
      to = number(ends[1], min, max, names, "value");
      if (to < from) {
        throw new IllegalArgumentException("range " + range + " runs backwards");
      }
    } else {
      from = number(range, min, max, names, "value");
      to = slash >= 0 ? max : from; // a/n: from a to the end, every n
    }
    for (int v = from; v <= to; v += step) {
      bits.set(v);
    }
  }

  private static int number(String text, int min, int max, List<String> names, String what) {
    if (names != null && names.contains(text)) {
      int index = names.indexOf(text);
      return names.size() == 12 ? index + 1 : index;
    }
    int v;
    try {
      v = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a number" + (names == null ? "" : " or a name"));
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + " " + v + " is outside " + min + "-" + max);
    }
    return v;
  }
}

package dev.runex.config;

import java.time.Duration;
import java.util.Locale;

/**
 * One documented configuration key. The config reference (docs/configuration.md) is generated from
 * the {@link Settings} list of these, so a key's documentation lives in exactly one place.
 *
 * @param key dotted key as written in YAML, e.g. {@code runex.worker.concurrency}
 * @param kind value kind, which decides parsing and validation
 * @param defaultValue default as text (null: required or unset)
 * @param min lower bound for numeric kinds (inclusive), or null
 * @param doc one-line description
 */
public record Setting(String key, Kind kind, String defaultValue, Long min, String doc) {

  /** Value kinds a setting can have. */
  public enum Kind {
    STRING,
    INT,
    LONG,
    BOOLEAN,
    DURATION,
    /** Bytes, written as a number or with a unit: 64KB, 256MB, 4GB. */
    SIZE
  }

  /**
   * The environment variable that overrides this key: {@code runex.worker.commitIntervalMs} →
   * {@code RUNEX_WORKER_COMMIT_INTERVAL_MS}.
   */
  public String envName() {
    StringBuilder sb = new StringBuilder();
    for (char c : key.toCharArray()) {
      if (c == '.' || c == '-') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  /** Parses and validates a raw value; the message names the key and the bad value. */
  public Object parse(String raw) {
    if (raw == null) {
      return null;
    }
    String v = raw.trim();
    try {
      Object parsed =
          switch (kind) {
            case STRING -> v;
            case INT -> Integer.parseInt(v);
            case LONG -> Long.parseLong(v);
            case BOOLEAN -> parseBoolean(v);
            case DURATION -> Durations.parse(v);
            case SIZE -> Sizes.parse(v);
          };
      checkMin(parsed, raw);
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be " + describeKind() + ", was '" + raw + "'");
    } catch (IllegalArgumentException e) {
      if (e instanceof ConfigException ce) {
        throw ce;
      }
      throw new ConfigException(key + " must be " + describeKind() + ", was '" + raw + "'");
    }
  }

  private void checkMin(Object parsed, String raw) {
    if (min == null) {
      return;
    }
    long value;
    if (parsed instanceof Integer i) {
      value = i;
    } else if (parsed instanceof Long l) {
      value = l;
    } else if (parsed instanceof Duration d) {
      value = d.toMillis();
    } else {
      return;
    }
    if (value < min) {
      String bound =
          kind == Kind.DURATION
              ? min + "ms"
              : kind == Kind.SIZE ? Sizes.format(min) : String.valueOf(min);
      throw new ConfigException(key + " must be >= " + bound + ", was " + raw.trim());
    }
  }

  private static Boolean parseBoolean(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(v);
    };
  }

  private String describeKind() {
    return switch (kind) {
      case STRING -> "a string";
      case INT, LONG -> "a whole number";
      case BOOLEAN -> "true or false";
      case DURATION -> "a duration (ISO-8601 like PT5S, or 250ms / 5s / 2m / 1h)";
      case SIZE -> "a size (65536, 64KB, 256MB, 4GB)";
    };
  }
}

package dev.runex.schemas;

import java.util.Locale;
import java.util.Optional;

/**
 * Priorities as config, JSON requests and topic names spell them: {@code high}, {@code normal},
 * {@code low} (case-insensitive).
 *
 * <p>On {@code JobRequest} and {@code Job} the priority field is a nullable enum whose null means
 * NORMAL, read through {@link #effective}. Why not a plain enum with default NORMAL: Avro 1.12
 * materialises an enum default through its class-trust check, so every {@code Job.newBuilder()}
 * that left the field unset would throw unless a serde had already run {@code AvroTrust.ensure()}.
 */
public final class PriorityNames {
  /** The accepted words, highest first, for error messages. */
  public static final String CHOICES = "high, normal, low";

  private PriorityNames() {}

  /** The priority a word names, or empty when it names none. */
  public static Optional<JobPriority> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "high" -> Optional.of(JobPriority.HIGH);
      case "normal" -> Optional.of(JobPriority.NORMAL);
      case "low" -> Optional.of(JobPriority.LOW);
      default -> Optional.empty();
    };
  }

  /** The lowercase word for a priority, as config, JSON and topic names spell it. */
  public static String of(JobPriority priority) {
    return effective(priority).name().toLowerCase(Locale.ROOT);
  }

  /**
   * A record's priority field: null (not given, or written before priorities existed) is NORMAL.
   */
  public static JobPriority effective(JobPriority priority) {
    return priority == null ? JobPriority.NORMAL : priority;
  }
}

package dev.runex.config;

import dev.runex.schemas.JobPriority;
import java.util.Locale;
import java.util.Optional;

/**
 * The spelling of priorities in config and JSON requests: {@code high}, {@code normal}, {@code low}
 * (case-insensitive), so operators and producers write the same words the topic suffixes use.
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
    return priority.name().toLowerCase(Locale.ROOT);
  }
}

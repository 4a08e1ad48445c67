package dev.runex.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a {@code process} job type runs ({@code runex.jobTypes.<name>.process}): an argv template
 * whose first element is a fixed program (requests can never choose it) and whose other elements
 * may carry parameters, each substituted into exactly one argv entry — no shell ever parses them —
 * and what each exit code means.
 *
 * @param command argv template; element 0 has no placeholders
 * @param exitCodes explicit exit code meanings, merged over the defaults (0 success, 75 retryable)
 * @param otherwise meaning of every other non-zero exit code (default: permanent)
 */
public record ProcessSpec(
    List<Template> command, Map<Integer, ExitAction> exitCodes, ExitAction otherwise) {

  /** What an exit code means. */
  public enum ExitAction {
    SUCCESS,
    RETRYABLE,
    PERMANENT;

    static ExitAction parse(String key, String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            key + " must be success, retryable or permanent, was '" + text + "'");
      }
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** EX_TEMPFAIL from sysexits.h: "try again later". */
  public static final int EX_TEMPFAIL = 75;

  /**
   * The exit codes every process type starts from; its own {@code exitCodes} are merged over them.
   */
  public static final Map<Integer, ExitAction> DEFAULT_EXIT_CODES =
      Map.of(0, ExitAction.SUCCESS, EX_TEMPFAIL, ExitAction.RETRYABLE);

  public ProcessSpec {
    command = List.copyOf(command);
    exitCodes = Map.copyOf(new TreeMap<>(exitCodes));
    if (command.isEmpty()) {
      throw new ConfigException("process.command must list the program and its arguments");
    }
  }

  /** What exit code {@code code} means for this type. */
  public ExitAction actionFor(int code) {
    ExitAction explicit = exitCodes.get(code);
    if (explicit != null) {
      return explicit;
    }
    ExitAction dflt = DEFAULT_EXIT_CODES.get(code);
    return dflt != null ? dflt : otherwise;
  }
}

package dev.runex.topology.intake;

import java.util.Locale;

/** How an intake record's value was encoded; also the dead letter's {@code originalContentType}. */
public enum IntakeFormat {
  JSON,
  AVRO,
  UNKNOWN;

  /**
   * Lower-case label used in meters and dead letters: {@code json}, {@code avro}, {@code unknown}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

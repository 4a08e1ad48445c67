package dev.runex.schemas.topics;

import java.util.Locale;

/** Encoding of the external topics (results, dead-letter, events). */
public enum OutputFormat {
  /** Confluent-framed Avro (magic byte, schema id, body) against the schema registry. */
  AVRO,
  /** UTF-8 JSON, for consumers without a registry. */
  JSON;

  /**
   * The format a word names (case-insensitive); an IllegalArgumentException says what is allowed.
   */
  public static OutputFormat parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be avro or json, was '" + text + "'");
    }
  }
}

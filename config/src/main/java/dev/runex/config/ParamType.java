package dev.runex.config;

import java.util.Locale;

/** Declared type of a job parameter. */
public enum ParamType {
  STRING,
  INT,
  NUMBER,
  BOOLEAN,
  /** Any JSON object or array, carried as JSON text. */
  JSON;

  public static ParamType parse(String key, String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key + " must be one of string, int, number, boolean, json, was '" + text + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

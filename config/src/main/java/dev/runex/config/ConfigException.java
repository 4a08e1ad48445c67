package dev.runex.config;

/** A configuration value is missing or invalid; the message names the key and the bad value. */
public class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}

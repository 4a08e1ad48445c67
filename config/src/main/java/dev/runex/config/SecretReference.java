package dev.runex.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret is read from: an environment variable or a file, never the configuration itself
 * (configurations get logged and committed). Gateway API keys ({@code env} / {@code file}) and the
 * console's session secret ({@code env:<VARIABLE>} / {@code file:<path>}) are read through this.
 * Errors name the setting and the reference, never the secret.
 */
public sealed interface SecretReference {
  /** The setting this reference was given for (named in errors). */
  String setting();

  /** The secret, surrounding whitespace removed; a {@link ConfigException} when it is missing. */
  String read(Map<String, String> env);

  /** An environment variable holding the secret. */
  record Env(String setting, String variable) implements SecretReference {
    @Override
    public String read(Map<String, String> env) {
      String secret = env.get(variable);
      if (secret == null || secret.isBlank()) {
        throw new ConfigException(setting + ": environment variable " + variable + " is not set");
      }
      return secret.trim();
    }

    @Override
    public String toString() {
      return "env:" + variable;
    }
  }

  /** A file holding the secret (a mounted Kubernetes Secret, say). */
  record File(String setting, String path) implements SecretReference {
    @Override
    public String read(Map<String, String> env) {
      try {
        String secret = Files.readString(Path.of(path)).trim();
        if (secret.isEmpty()) {
          throw new ConfigException(setting + ": " + path + " is empty");
        }
        return secret;
      } catch (IOException e) {
        throw new ConfigException(setting + ": cannot read " + path + ": " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "file:" + path;
    }
  }

  /**
   * Parses {@code env:<VARIABLE>} or {@code file:<path>}. Anything else is refused, so a secret
   * written into the configuration by mistake fails the start instead of being used (its text is
   * not repeated in the error).
   */
  static SecretReference parse(String setting, String text) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("env:") && t.length() > 4) {
      return new Env(setting, t.substring(4).trim());
    }
    if (t.startsWith("file:") && t.length() > 5) {
      return new File(setting, t.substring(5).trim());
    }
    throw new ConfigException(
        setting
            + " must be a reference, env:<VARIABLE> or file:<path>; the secret itself never goes"
            + " into the configuration");
  }
}

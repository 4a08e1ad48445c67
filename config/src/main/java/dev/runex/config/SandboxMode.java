package dev.runex.config;

import java.util.Locale;

/** How a worker isolates process jobs ({@code runex.worker.sandbox}). */
public enum SandboxMode {
  /**
   * bubblewrap when it is installed, else {@link #NONE} with a loud warning in the log and in every
   * result.
   */
  AUTO,
  /** bubblewrap or nothing: without bwrap, process jobs fail (permanently, SANDBOX_UNAVAILABLE). */
  BUBBLEWRAP,
  /** No namespaces: rlimits, a process group and (as root) an unprivileged uid only. */
  NONE;

  public static SandboxMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          Settings.WORKER_SANDBOX.key() + " must be auto, bubblewrap or none, was '" + text + "'");
    }
  }
}

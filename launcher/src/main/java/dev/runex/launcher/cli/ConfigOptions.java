package dev.runex.launcher.cli;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every runex command shares: one config file, environment overrides, and --set. */
public final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      description =
          "YAML config file (default: $RUNEX_CONFIG, else the bundled runex-default.yaml).")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one setting, e.g. --set runex.worker.concurrency=8 (repeatable).")
  Map<String, String> set = new HashMap<>();

  public RunexConfig load() {
    return load(Map.of());
  }

  /** Loads the config with extra overrides applied last (the command's own options). */
  public RunexConfig load(Map<String, String> extra) {
    Path file = config;
    if (file == null
        && System.getenv("RUNEX_CONFIG") != null
        && !System.getenv("RUNEX_CONFIG").isBlank()) {
      file = Path.of(System.getenv("RUNEX_CONFIG"));
    }
    Map<String, String> overrides = new HashMap<>(set);
    overrides.putAll(extra);
    return ConfigLoader.load(file, System.getenv(), overrides);
  }
}

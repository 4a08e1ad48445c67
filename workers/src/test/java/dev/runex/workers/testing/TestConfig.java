package dev.runex.workers.testing;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.topics.RunexTopics;
import java.util.HashMap;
import java.util.Map;

/** The bundled default config (echo, sleep, fail job types) against an in-memory registry. */
public final class TestConfig {
  private TestConfig() {}

  public static RunexConfig config(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.putIfAbsent("runex.schemaRegistryUrl", "mock://workers-test");
    return ConfigLoader.load(null, Map.of(), all);
  }

  public static RunexTopics topics(RunexConfig cfg) {
    return cfg.topics();
  }
}

package dev.runex.topology;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import java.util.Map;
import java.util.UUID;

/** Job types and topics the topology tests run against. */
public final class TestConfigs {
  /**
   * echo: lenient demo type in pool default; resize: strict typed params in pool gpu; report: like
   * echo, with a one-minute maxQueueTime. Only resize may ask for priority high.
   */
  public static final String YAML =
      """
      runex:
        topicPrefix: runex.
        intake:
          maxRequestBytes: 8192
        jobTypes:
          echo:
            pool: default
            tenants: [demo]
            allowUnknownParams: true
            params:
              message: string
            maxPayloadBytes: 2048
            timeout: PT30S
            maxTimeout: PT5M
          resize:
            pool: gpu
            tenants: [acme, demo]
            params:
              width: {type: int, required: true}
              ratio: number
              sharpen: boolean
              label: string
              options: json
            maxPayloadBytes: 4096
            timeout: 10s
            maxTimeout: 1m
            priorities: [high, normal, low]
            retry:
              maxAttempts: 2
              maxAttemptsLimit: 5
          report:
            pool: default
            tenants: [demo]
            allowUnknownParams: true
            maxQueueTime: 1m
      """;

  private TestConfigs() {}

  public static RunexConfig config() {
    return config(Map.of());
  }

  public static RunexConfig config(Map<String, String> overrides) {
    return ConfigLoader.fromYaml(YAML, Map.of(), overrides);
  }

  /**
   * The test job types plus {@code extra}: more keys under {@code runex:}, indented by two spaces.
   */
  public static RunexConfig withYaml(String extra) {
    return ConfigLoader.fromYaml(YAML + extra, Map.of(), Map.of());
  }

  /** A registry of its own per test, so schema ids never leak between tests. */
  public static SchemaRegistryClient freshRegistry() {
    return SchemaRegistryClient.forUrl("mock://topology-test-" + UUID.randomUUID());
  }

  public static RunexTopics topics(RunexConfig cfg) {
    return new RunexTopics(cfg.topicLayout(), freshRegistry());
  }
}

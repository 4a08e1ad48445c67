package dev.runex.launcher.it;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.LocalInfra;
import dev.runex.schemas.topics.RunexTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one real Kafka broker and Apicurio Registry of this test JVM, started on first use (free
 * ports, data in a temp folder, in-memory schemas) and stopped by a shutdown hook, by pid. Every
 * {@link #config} call gets its own topic prefix, Streams application id and state folder, so tests
 * sharing the broker never share topics, groups or state.
 *
 * <p>To run ITs against servers that are already up (e.g. {@code runex local}), set {@code
 * -Drunex.it.bootstrapServers=...} and {@code -Drunex.it.registryUrl=...}.
 */
public final class RealKafka {
  private static final Logger log = LoggerFactory.getLogger(RealKafka.class);
  public static final String EXTERNAL_BOOTSTRAP = "runex.it.bootstrapServers";
  public static final String EXTERNAL_REGISTRY = "runex.it.registryUrl";

  private static final AtomicInteger CONFIGS = new AtomicInteger();
  // Distinguishes runs against an external broker, where earlier runs' topics still exist.
  private static final String RUN = Long.toString(System.currentTimeMillis() % 46_656L, 36);
  private static Servers servers;
  private static RuntimeException startFailure;

  private RealKafka() {}

  private record Servers(String bootstrapServers, String registryUrl, Path tempDir) {}

  public static String bootstrapServers() {
    return servers().bootstrapServers();
  }

  /** The registry's Confluent-compatible base URL. */
  public static String registryUrl() {
    return servers().registryUrl();
  }

  /**
   * A config for a fresh, isolated corner of the shared broker: bundled defaults plus {@code
   * overrides}.
   */
  public static RunexConfig config(Map<String, String> overrides) {
    return config(null, overrides);
  }

  /**
   * Like {@link #config(Map)}, with the job types and settings of the YAML file {@code configFile}
   * (null: the bundled defaults) under the isolated corner's settings.
   */
  public static RunexConfig config(Path configFile, Map<String, String> overrides) {
    Servers s = servers();
    int n = CONFIGS.incrementAndGet();
    String name = "it" + RUN + "-" + n;
    Map<String, String> values = new HashMap<>();
    values.put(Settings.BOOTSTRAP_SERVERS.key(), s.bootstrapServers());
    values.put(Settings.SCHEMA_REGISTRY_URL.key(), s.registryUrl());
    values.put(Settings.TOPIC_PREFIX.key(), name + ".");
    values.put(Settings.TOPOLOGY_APPLICATION_ID.key(), name + "-topology");
    values.put(Settings.TOPOLOGY_STATE_DIR.key(), s.tempDir().resolve("streams-" + n).toString());
    // Many runtimes may share this JVM: fixed metrics and status ports would clash.
    values.put(Settings.METRICS_PORT.key(), "0");
    values.put(Settings.TOPOLOGY_STATUS_PORT.key(), "0");
    values.putAll(overrides);
    // The machine's RUNEX_* environment must not leak into tests.
    return ConfigLoader.load(configFile, Map.of(), values);
  }

  public static RunexConfig config() {
    return config(Map.of());
  }

  /** The typed topics of {@code cfg}, with serdes talking to the real registry. */
  public static RunexTopics topics(RunexConfig cfg) {
    return cfg.topics();
  }

  private static synchronized Servers servers() {
    if (servers != null) {
      return servers;
    }
    if (startFailure != null) {
      // Starting again would only burn another two minutes per test.
      throw new IllegalStateException(
          "the shared Kafka broker / registry failed to start earlier", startFailure);
    }
    try {
      servers = startServers();
      return servers;
    } catch (RuntimeException e) {
      startFailure = e;
      throw e;
    }
  }

  private static Servers startServers() {
    Path tempDir = createTempDir();
    String externalKafka = System.getProperty(EXTERNAL_BOOTSTRAP);
    String externalRegistry = System.getProperty(EXTERNAL_REGISTRY);
    if (externalKafka != null && externalRegistry != null) {
      log.info(
          "Integration tests use the external broker {} and registry {}",
          externalKafka,
          externalRegistry);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> deleteRecursively(tempDir), "real-kafka-cleanup"));
      return new Servers(externalKafka, externalRegistry, tempDir);
    }
    LocalInfra infra;
    try {
      infra = LocalInfra.start(tempDir, 0, 0, 0, LocalInfra.SchemaStore.MEMORY);
    } catch (RuntimeException e) {
      deleteRecursively(tempDir);
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  infra.close();
                  deleteRecursively(tempDir);
                },
                "real-kafka-stop"));
    log.info(
        "Integration tests use broker {} (pid {}) and registry {} (pid {}), data in {}",
        infra.bootstrapServers(),
        infra.broker().pid(),
        infra.registryUrl(),
        infra.registry().pid(),
        tempDir);
    return new Servers(infra.bootstrapServers(), infra.registryUrl(), tempDir);
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("runex-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort in a shutdown hook; the OS cleans its temp folder eventually.
    }
  }
}

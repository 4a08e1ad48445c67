package dev.runex.launcher.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's servers: one Kafka broker ({@code <dataDir>/kafka}) and one Apicurio Registry
 * ({@code <dataDir>/registry}), both child processes on 127.0.0.1. The registry starts while the
 * broker proves its readiness, which saves most of the registry's start time. {@link #close} stops
 * both, by pid.
 */
public final class LocalInfra implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalInfra.class);

  /** Where the registry keeps schemas (see {@link RegistryStorage}). */
  public enum SchemaStore {
    /** Lost when the registry stops: for throw-away data folders. */
    MEMORY,
    /**
     * Journaled on the local broker: schema ids stay valid for the records kept in a reused data
     * folder.
     */
    KAFKA
  }

  /**
   * How long a server of a throw-away data folder gets between SIGTERM and SIGKILL: its clean
   * shutdown (the broker's takes seconds) would protect data that is deleted next.
   */
  static final Duration DISPOSABLE_GRACE = Duration.ofMillis(200);

  private final KafkaBroker broker;
  private final SchemaRegistryServer registry;
  private final SchemaStore store;

  private LocalInfra(KafkaBroker broker, SchemaRegistryServer registry, SchemaStore store) {
    this.broker = broker;
    this.registry = registry;
    this.store = store;
  }

  /**
   * Starts both servers with schemas kept on Kafka, since the broker's data folder is kept too;
   * returns when both are ready. A port of 0 picks a free one.
   */
  public static LocalInfra start(
      Path dataDir, int kafkaPort, int controllerPort, int registryPort) {
    return start(dataDir, kafkaPort, controllerPort, registryPort, SchemaStore.KAFKA);
  }

  /**
   * Starts both servers and returns when both are ready; on any failure neither is left running.
   */
  public static LocalInfra start(
      Path dataDir, int kafkaPort, int controllerPort, int registryPort, SchemaStore store) {
    RunexHome home = RunexHome.resolve();
    KafkaBroker broker =
        KafkaBroker.launch(home, dataDir.resolve("kafka"), kafkaPort, controllerPort);
    SchemaRegistryServer registry = null;
    try {
      RegistryStorage storage =
          store == SchemaStore.KAFKA
              ? RegistryStorage.kafkaSql(broker.bootstrapServers())
              : RegistryStorage.inMemory();
      // Apicurio's kafkasql storage retries until the broker answers, so it may start before
      // readiness.
      registry =
          SchemaRegistryServer.launch(home, dataDir.resolve("registry"), registryPort, storage);
      broker.awaitReady(KafkaBroker.READY_TIMEOUT);
      registry.awaitReady(SchemaRegistryServer.READY_TIMEOUT);
      return new LocalInfra(broker, registry, store);
    } catch (RuntimeException e) {
      closeAll(broker, registry, store);
      throw e;
    }
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** The registry's Confluent-compatible base URL (what {@code runex.schemaRegistryUrl} takes). */
  public String registryUrl() {
    return registry.ccompatUrl();
  }

  public KafkaBroker broker() {
    return broker;
  }

  public SchemaRegistryServer registry() {
    return registry;
  }

  /**
   * Stops both servers, by pid. Schemas on Kafka: the registry first, then the broker, each with a
   * clean shutdown (a kafkasql registry would otherwise hang retrying the gone broker, and the
   * broker's data folder is kept). Schemas in memory (a throw-away data folder): both at once, with
   * {@link #DISPOSABLE_GRACE} before SIGKILL.
   */
  @Override
  public void close() {
    closeAll(broker, registry, store);
  }

  private static void closeAll(
      KafkaBroker broker, SchemaRegistryServer registry, SchemaStore store) {
    long started = System.nanoTime();
    if (store == SchemaStore.MEMORY) {
      CompletableFuture<Void> registryStopped =
          registry == null
              ? CompletableFuture.completedFuture(null)
              : CompletableFuture.runAsync(() -> registry.close(DISPOSABLE_GRACE));
      try {
        broker.close(DISPOSABLE_GRACE);
      } finally {
        registryStopped.join();
      }
    } else {
      try {
        if (registry != null) {
          registry.close();
        }
      } finally {
        broker.close();
      }
    }
    log.debug(
        "Local infra stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
  }
}

package dev.runex.launcher.local;

import java.util.List;

/**
 * Where the local Apicurio Registry keeps schemas. In memory is fastest and fine when Kafka's data
 * is thrown away too (tests); on Kafka ({@code kafkasql}) schema ids survive restarts, which a
 * persistent broker needs: otherwise old records would carry ids the new registry never issued, or
 * issued for other schemas.
 */
public sealed interface RegistryStorage {

  /** The registry's system properties for this storage. */
  List<String> systemProperties();

  /** Schemas live and die with the registry process. */
  record InMemory() implements RegistryStorage {
    @Override
    public List<String> systemProperties() {
      return List.of();
    }
  }

  /** Schemas are journaled to a topic ({@code kafkasql-journal}) on this Kafka cluster. */
  record KafkaSql(String bootstrapServers) implements RegistryStorage {
    @Override
    public List<String> systemProperties() {
      return List.of(
          "-Dapicurio.storage.kind=kafkasql",
          "-Dapicurio.kafkasql.bootstrap.servers=" + bootstrapServers,
          // Its startup replay waits out whole poll timeouts (default 5 s) on an idle journal.
          "-Dapicurio.kafkasql.consumer.poll.timeout=1000");
    }
  }

  static RegistryStorage inMemory() {
    return new InMemory();
  }

  static RegistryStorage kafkaSql(String bootstrapServers) {
    return new KafkaSql(bootstrapServers);
  }
}

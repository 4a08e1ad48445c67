package dev.runex.topology.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real RocksDB stores (Kafka Streams' own, through TopologyTestDriver) opened with the config
 * setter: whatever they hold, their memtables are charged to the one shared cache, which stays
 * within the budget — and with the budget 0 the setter leaves Kafka Streams' defaults alone.
 */
class BoundedRocksDbMemoryTest {
  private static final long BUDGET = 8L * 1024 * 1024;
  @TempDir Path stateDir;

  @Test
  void storesOfOneProcessShareOneCacheThatHoldsTheirMemtablesWithinTheBudget() {
    try (TopologyTestDriver driver = driverWithStores(3, BUDGET)) {
      String value = "x".repeat(1024);
      for (int store = 0; store < 3; store++) {
        TestInputTopic<String, String> in =
            driver.createInputTopic("in-" + store, new StringSerializer(), new StringSerializer());
        for (int i = 0; i < 12_000; i++) { // 12 MB a store: more than the whole budget
          in.pipeInput("key-" + i, value);
        }
      }
      BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(BUDGET);
      long usage = shared.cache().getUsage();
      assertThat(usage)
          .as("memtables and blocks of all three stores, charged to the shared cache")
          .isPositive()
          .isLessThanOrEqualTo(BUDGET + BUDGET / 4);
      assertThat(shared.writeBuffers()).isNotNull();
    }
  }

  @Test
  void theBudgetComesFromTheStreamsPropertyAndZeroMeansKafkaStreamsDefaults() {
    assertThat(
            BoundedRocksDbMemory.budget(java.util.Map.of(BoundedRocksDbMemory.BYTES_CONFIG, 42L)))
        .isEqualTo(42);
    assertThat(
            BoundedRocksDbMemory.budget(java.util.Map.of(BoundedRocksDbMemory.BYTES_CONFIG, "7")))
        .isEqualTo(7);
    assertThat(BoundedRocksDbMemory.budget(java.util.Map.of())).isZero();
    try (TopologyTestDriver driver = driverWithStores(1, 0)) {
      driver
          .createInputTopic("in-0", new StringSerializer(), new StringSerializer())
          .pipeInput("k", "v");
      assertThat(driver.getKeyValueStore("store-0").get("k")).isEqualTo("v");
    }
  }

  private TopologyTestDriver driverWithStores(int stores, long budget) {
    StreamsBuilder b = new StreamsBuilder();
    for (int i = 0; i < stores; i++) {
      b.table(
          "in-" + i,
          Consumed.with(Serdes.String(), Serdes.String()),
          Materialized.<String, String>as(Stores.persistentKeyValueStore("store-" + i))
              .withKeySerde(Serdes.String())
              .withValueSerde(Serdes.String())
              .withCachingDisabled());
    }
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rocksdb-budget");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    p.put(BoundedRocksDbMemory.BYTES_CONFIG, budget);
    return new TopologyTestDriver(b.build(), p);
  }
}

package dev.runex.topology.status.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link WriteBackStore} relies on in Kafka Streams' internals (see the package Javadoc): the
 * version it was checked against, and the behaviour it needs from it, under a TopologyTestDriver
 * (which commits after every record, the way a stream thread commits).
 */
class KafkaStreamsInternalsTest {
  /** The Kafka Streams version whose internals this package was read against. */
  private static final String CHECKED_AGAINST = "4.4.0";

  private static final String APP = "writeback-test";
  private static final long T0 = 1_767_225_600_000L;

  @TempDir Path stateDir;

  @Test
  void kafkaStreamsIsTheVersionWhoseInternalsWereChecked() throws IOException {
    // when
    String version = kafkaStreamsVersion();

    // then
    assertThat(version)
        .as(
            "WriteBackStore uses Kafka Streams internals checked against %s; re-check them for"
                + " %s (package dev.runex.topology.status.writeback) and then move this pin",
            CHECKED_AGAINST, version)
        .isEqualTo(CHECKED_AGAINST);
  }

  @Test
  void aCommitWritesEachChangedKeyOnceUnderTheRecordThatChangedIt() {
    // given: each record puts its value under two keys, twice
    try (TopologyTestDriver driver = driver(100)) {
      TestInputTopic<String, String> in = input(driver);
      TestOutputTopic<String, String> changelog = changelog(driver);

      // when
      in.pipeInput("k", "v1", T0);

      // then: the commit after the record wrote the last value of each key once, stamped with it
      List<TestRecord<String, String>> written = changelog.readRecordsToList();
      assertThat(written).extracting(TestRecord::key).containsExactly("k-a", "k-b");
      assertThat(written).extracting(TestRecord::value).containsOnly("v1");
      assertThat(written).extracting(TestRecord::timestamp).containsOnly(T0);
      KeyValueStore<String, String> store = driver.getKeyValueStore("s");
      assertThat(store.get("k-a")).isEqualTo("v1");
    }
  }

  @Test
  void changesBeyondTheLimitAreWrittenEarlyUnderTheRecordThatMadeThem() {
    // given: room for one waiting change
    try (TopologyTestDriver driver = driver(1)) {
      TestInputTopic<String, String> in = input(driver);
      TestOutputTopic<String, String> changelog = changelog(driver);

      // when
      in.pipeInput("k", "v1", T0);
      in.pipeInput("m", "v2", T0 + 5);

      // then: with one change allowed to wait, three of each record's four puts were written
      // while it was processed and the last at its commit, all under that record's timestamp
      List<TestRecord<String, String>> written = changelog.readRecordsToList();
      assertThat(written)
          .extracting(r -> r.key() + "=" + r.value() + "@" + (r.timestamp() - T0))
          .containsExactly(
              "k-a=v1@0",
              "k-b=v1@0",
              "k-a=v1@0",
              "k-b=v1@0",
              "m-a=v2@5",
              "m-b=v2@5",
              "m-a=v2@5",
              "m-b=v2@5");
    }
  }

  private TopologyTestDriver driver(int maxDirty) {
    Topology topology = new Topology();
    topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "in");
    topology.addProcessor("put", PutTwice::new, "in");
    topology.addStateStore(
        WriteBackStore.builder(
            Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore("s"), Serdes.String(), Serdes.String())
                .withLoggingEnabled(Map.of())
                .withCachingDisabled(),
            maxDirty,
            10),
        "put");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    return new TopologyTestDriver(topology, props);
  }

  private static TestInputTopic<String, String> input(TopologyTestDriver driver) {
    return driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
  }

  private static TestOutputTopic<String, String> changelog(TopologyTestDriver driver) {
    return driver.createOutputTopic(
        APP + "-s-changelog", new StringDeserializer(), new StringDeserializer());
  }

  private static String kafkaStreamsVersion() throws IOException {
    try (InputStream in =
        KafkaStreams.class.getResourceAsStream("/kafka/kafka-streams-version.properties")) {
      assertThat(in).as("Kafka Streams' version resource").isNotNull();
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  /** Puts each record's value under {@code <key>-a} and {@code <key>-b}, each twice. */
  private static final class PutTwice implements Processor<String, String, Void, Void> {
    private KeyValueStore<String, String> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore("s");
    }

    @Override
    public void process(Record<String, String> record) {
      for (int i = 0; i < 2; i++) {
        store.put(record.key() + "-a", record.value());
        store.put(record.key() + "-b", record.value());
      }
    }
  }
}

package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.topology.state.BoundedRocksDbMemory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunexTopologyTest {
  @TempDir Path stateDir;

  @Test
  void streamsPropertiesRunExactlyOnceWithExplicitNamesFromTheRunexSettings() {
    // given
    RunexConfig cfg =
        TestConfigs.config(
            Map.of(
                "runex.bootstrapServers", "broker:9092",
                "runex.topology.applicationId", "my-topology",
                "runex.topology.commitInterval", "20ms",
                "runex.topology.stateDir", stateDir.toString(),
                "runex.topology.streamThreads", "3",
                "runex.topology.standbyReplicas", "1",
                "runex.topics.replicationFactor", "3"));

    // when
    Properties p = RunexTopology.streamsProperties(cfg);

    // then
    assertThat(p)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "my-topology")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20L)
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3)
        .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
        .containsEntry(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true)
        .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class)
        .containsEntry(BoundedRocksDbMemory.BYTES_CONFIG, 128L * 1024 * 1024);
    // and Kafka accepts them
    assertThat(new StreamsConfig(p).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo("exactly_once_v2");
  }

  @Test
  void theStatusApplicationCommitsOnItsOwnIntervalAndPollsNoLongerThanEitherCommit() {
    // given
    RunexConfig cfg =
        TestConfigs.config(
            Map.of(
                "runex.topology.applicationId", "my-topology",
                "runex.topology.commitInterval", "20ms",
                "runex.topology.statusCommitInterval", "300ms",
                "runex.topology.punctuateInterval", "200ms"));

    // when
    Properties jobs = RunexTopology.streamsProperties(cfg);
    Properties status = RunexTopology.statusProperties(cfg);

    // then: the jobs' hops commit every 20 ms and poll no longer; the status application, off the
    // result path, every 300 ms
    assertThat(jobs)
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20L)
        .containsEntry(StreamsConfig.POLL_MS_CONFIG, 20L)
        .containsEntry(StreamsConfig.producerPrefix("linger.ms"), 20L)
        .containsEntry(StreamsConfig.producerPrefix("retry.backoff.ms"), 10);
    assertThat(status)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "my-topology-status")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 300L)
        .containsEntry(StreamsConfig.POLL_MS_CONFIG, 100L)
        .containsEntry(StreamsConfig.producerPrefix("linger.ms"), 300L)
        .containsEntry(StreamsConfig.producerPrefix("retry.backoff.ms"), 10);
  }

  @Test
  void onlyTheStatusApplicationWaitsLongerThanKafkaStreamsForATransactionBeforeItIsAborted() {
    // given: the default, and a configured timeout
    RunexConfig defaults = TestConfigs.config(Map.of());
    RunexConfig configured =
        TestConfigs.config(Map.of("runex.topology.statusTransactionTimeout", "45s"));
    String timeout = StreamsConfig.producerPrefix("transaction.timeout.ms");

    // when
    Properties jobs = RunexTopology.streamsProperties(defaults);
    Properties status = RunexTopology.statusProperties(defaults);
    Properties statusConfigured = RunexTopology.statusProperties(configured);

    // then: the jobs path keeps Kafka Streams' own (10 s under exactly-once), which bounds how long
    // a crashed instance's open transaction holds the workers back; the status application's is
    // longer
    assertThat(jobs).doesNotContainKey(timeout);
    assertThat(status).containsEntry(timeout, 30_000);
    assertThat(statusConfigured).containsEntry(timeout, 45_000);
  }

  @Test
  void theStatusApplicationRunsItsOwnNumberOfStreamThreads() {
    // given: the defaults, and both counts configured
    RunexConfig defaults = TestConfigs.config(Map.of());
    RunexConfig configured =
        TestConfigs.config(
            Map.of(
                "runex.topology.streamThreads", "3",
                "runex.topology.statusStreamThreads", "1"));

    // when
    Properties jobs = RunexTopology.streamsProperties(defaults);
    Properties status = RunexTopology.statusProperties(defaults);
    Properties jobsConfigured = RunexTopology.streamsProperties(configured);
    Properties statusConfigured = RunexTopology.statusProperties(configured);

    // then: by default the jobs path runs one thread and the status application two, so it can
    // fold a backlog on both cores once the jobs are done; each count is set on its own
    assertThat(jobs).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    assertThat(status).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
    assertThat(jobsConfigured).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3);
    assertThat(statusConfigured).containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
  }

  @Test
  void rawStreamsSettingsPassThroughLast() {
    // given
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            """
        runex:
          kafka:
            common:
              security.protocol: SSL
            streams:
              commit.interval.ms: 7
              producer.linger.ms: 0
              producer.retry.backoff.ms: 250
        """,
            Map.of(),
            Map.of());

    // when
    Properties p = RunexTopology.streamsProperties(cfg);

    // then
    assertThat(p)
        .containsEntry("security.protocol", "SSL")
        .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "7")
        .containsEntry("producer.linger.ms", "0")
        .containsEntry("producer.retry.backoff.ms", "250");
  }

  @Test
  void stateDirDefaultsToAFolderUnderTheTempDir() {
    // when
    Properties p = RunexTopology.streamsProperties(TestConfigs.config());

    // then
    assertThat(p.getProperty(StreamsConfig.STATE_DIR_CONFIG))
        .startsWith(System.getProperty("java.io.tmpdir"))
        .endsWith("runex-topology");
  }

  @Test
  void statusApiIsBoundBeforeStartAndAdvertisedAsTheApplicationServer() throws Exception {
    // given
    RunexConfig cfg =
        TestConfigs.config()
            .with(Settings.TOPOLOGY_STATE_DIR, stateDir.toString())
            .with(Settings.BOOTSTRAP_SERVERS, "127.0.0.1:1")
            .with(Settings.TOPOLOGY_STATUS_PORT, "0");

    // when
    RunexTopology topology =
        new RunexTopology(cfg, TestConfigs.topics(cfg), new SimpleMeterRegistry());

    // then: it answers (503: no instance owns anything before the topology runs)
    java.net.URI url = topology.statusUrl().orElseThrow();
    assertThat(url.getHost()).isEqualTo("127.0.0.1");
    assertThat(url.getPort()).isPositive();
    var http = java.net.http.HttpClient.newHttpClient();
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(url.resolve("/jobs/j1")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    var badLimit =
        http.send(
            java.net.http.HttpRequest.newBuilder(url.resolve("/jobs?limit=0")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(badLimit.statusCode()).isEqualTo(400);
    assertThat(badLimit.body()).contains("limit must be");
    topology.close();
  }

  @Test
  void statusApiCanBeDisabled() {
    RunexConfig cfg =
        TestConfigs.config()
            .with(Settings.TOPOLOGY_STATE_DIR, stateDir.toString())
            .with(Settings.TOPOLOGY_STATUS_PORT, "-1");

    RunexTopology topology =
        new RunexTopology(cfg, TestConfigs.topics(cfg), new SimpleMeterRegistry());

    assertThat(topology.statusUrl()).isEmpty();
    topology.close();
  }

  @Test
  void clientIsCreatedNotRunningAndClosesCleanly() {
    // given: no broker needed until start()
    RunexConfig cfg =
        TestConfigs.config()
            .with(Settings.TOPOLOGY_STATE_DIR, stateDir.toString())
            .with(Settings.BOOTSTRAP_SERVERS, "127.0.0.1:1");

    // when
    RunexTopology topology =
        new RunexTopology(cfg, TestConfigs.topics(cfg), new SimpleMeterRegistry());

    // then
    assertThat(topology.state()).isEqualTo(KafkaStreams.State.CREATED);
    assertThat(topology.isRunning()).isFalse();
    topology.close();
    assertThat(topology.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
  }
}

package dev.runex.topology;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.queueing.DelayedBacklogs;
import dev.runex.topology.status.StatusSubtopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The real topology ({@link RunexTopology#build}) under a TopologyTestDriver with the real {@link
 * RunexTopology#streamsProperties} (exactly-once included), an in-memory registry and a mock wall
 * clock starting at {@link #START}.
 */
public final class TopologyHarness implements AutoCloseable {
  public static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
  public static final String INSTANCE = "topology-test";

  public final RunexConfig cfg;
  public final RunexTopics topics;
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final DelayedBacklogs delayed = new DelayedBacklogs();
  public final TopologyTestDriver driver;
  private long clock = START.toEpochMilli();

  public TopologyHarness(Path stateDir) {
    this(stateDir, Map.of());
  }

  public TopologyHarness(Path stateDir, Map<String, String> overrides) {
    this(stateDir, overrides, TestConfigs.freshRegistry());
  }

  public TopologyHarness(
      Path stateDir, Map<String, String> overrides, SchemaRegistryClient registry) {
    this(stateDir, overrides, registry, false);
  }

  /**
   * The jobs topology with the job-status sub-topology added to it, so one driver carries a request
   * from intake to its status (the application runs the status part as its own Streams app, {@link
   * RunexTopology#buildStatus}; the processors and stores are the same).
   */
  public static TopologyHarness status(Path stateDir, Map<String, String> overrides) {
    return new TopologyHarness(stateDir, overrides, TestConfigs.freshRegistry(), true);
  }

  /** The topology built from {@code cfg} (e.g. {@link TestConfigs#withYaml}). */
  public static TopologyHarness of(Path stateDir, RunexConfig cfg) {
    return new TopologyHarness(stateDir, cfg, TestConfigs.freshRegistry(), false);
  }

  private TopologyHarness(
      Path stateDir, Map<String, String> overrides, SchemaRegistryClient registry, boolean status) {
    this(stateDir, TestConfigs.config(overrides), registry, status);
  }

  private TopologyHarness(
      Path stateDir, RunexConfig cfg, SchemaRegistryClient registry, boolean status) {
    this.cfg = cfg;
    this.topics = new RunexTopics(cfg.topicLayout(), registry);
    RunexConfig withState = cfg.with(Settings.TOPOLOGY_STATE_DIR, stateDir.toString());
    Properties props = RunexTopology.streamsProperties(withState);
    Topology topology = RunexTopology.build(cfg, topics, meters, delayed, INSTANCE);
    if (status) {
      StatusSubtopology.add(topology, cfg, topics);
    }
    this.driver = new TopologyTestDriver(topology, props, START);
  }

  public <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  public <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  /** The driver's wall clock, which the processors read as "now". */
  public long now() {
    return clock;
  }

  /** Advances the wall clock, running due punctuators. */
  public void advance(Duration d) {
    driver.advanceWallClockTime(d);
    clock += d.toMillis();
  }

  public double counter(String name, String... tags) {
    Counter c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() {
    driver.close();
  }
}

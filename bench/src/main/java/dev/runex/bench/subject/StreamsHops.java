package dev.runex.bench.subject;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.topology.RunexTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Hops of the reference chain run as one Kafka Streams application, the way runex's topology runs
 * its intake and queueing stages: with runex's topology settings ({@link
 * RunexTopology#streamsProperties}: {@code exactly_once_v2}, commit interval, producer batching,
 * fetch wait, one stream thread, metrics at their default level), and no state. Each hop is its own
 * sub-topology (source → forwarding processor → sinks) and passes the raw bytes through: to the
 * next topic and a copy to {@code events} per ordinal. What it costs beyond the same hops as plain
 * transactional loops is Kafka Streams' own per-record work, before any of runex's.
 */
final class StreamsHops implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * One hop: the topic it reads, the topic it forwards to, and the ordinals of its events copies.
   */
  record Hop(String in, String out, byte[] ordinals) {}

  private final KafkaStreams streams;

  StreamsHops(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      Duration commitInterval,
      String events,
      String ordinalHeader,
      List<Hop> hops) {
    Topology topology = new Topology();
    for (int i = 0; i < hops.size(); i++) {
      Hop hop = hops.get(i);
      String source = "source-" + i;
      String processor = "forward-" + i;
      topology.addSource(
          source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), hop.in());
      String next = "next-" + i;
      String copies = "events-" + i;
      topology.addProcessor(
          processor, () -> new Forward(next, copies, hop.ordinals(), ordinalHeader), source);
      topology.addSink(
          next, hop.out(), new ByteArraySerializer(), new ByteArraySerializer(), processor);
      topology.addSink(
          copies, events, new ByteArraySerializer(), new ByteArraySerializer(), processor);
    }
    // runex's own topology settings, from the same code that sets them for runex
    RunexConfig cfg =
        ConfigLoader.load(
            null,
            Map.of(),
            Map.of(
                Settings.BOOTSTRAP_SERVERS.key(),
                bootstrapServers,
                Settings.TOPOLOGY_APPLICATION_ID.key(),
                applicationId,
                Settings.TOPOLOGY_STATE_DIR.key(),
                stateDir.toString(),
                Settings.TOPOLOGY_COMMIT_INTERVAL.key(),
                commitInterval.toMillis() + "ms"));
    Properties props = RunexTopology.streamsProperties(cfg);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    this.streams = new KafkaStreams(topology, props);
  }

  void start() {
    streams.start();
  }

  @Override
  public void close() {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(CLOSE_TIMEOUT));
  }

  /** Forwards each record to the next topic, and a copy per ordinal to events. */
  private static final class Forward implements Processor<byte[], byte[], byte[], byte[]> {
    private final String next;
    private final String events;
    private final byte[] ordinals;
    private final String header;
    private ProcessorContext<byte[], byte[]> context;

    Forward(String next, String events, byte[] ordinals, String header) {
      this.next = next;
      this.events = events;
      this.ordinals = ordinals;
      this.header = header;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      context.forward(record, next);
      for (byte n : ordinals) {
        context.forward(
            record.withHeaders(new RecordHeaders().add(header, new byte[] {n})), events);
      }
    }
  }
}

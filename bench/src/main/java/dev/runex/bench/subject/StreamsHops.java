package dev.runex.bench.subject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * its intake and queueing stages: {@code exactly_once_v2}, the same commit interval, producer
 * batching and fetch wait as runex's topology, one stream thread, no state. Each hop is its own
 * sub-topology (source → forwarding processor → sinks) and passes the raw bytes through: to the
 * next topic and a copy to {@code events} per ordinal, with Kafka Streams' metrics at their default
 * level, as in runex.
 * What it costs beyond the same hops as plain transactional loops is Kafka Streams' own per-record
 * work, before any of runex's.
 */
final class StreamsHops implements AutoCloseable {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** One hop: the topic it reads, the topic it forwards to, and the ordinals of its events copies. */
  record Hop(String in, String out, byte[] ordinals) {}

  private final KafkaStreams streams;

  StreamsHops(String bootstrapServers, String applicationId, Path stateDir, Duration commitInterval,
      String events, String ordinalHeader, List<Hop> hops) {
    Topology topology = new Topology();
    for (int i = 0; i < hops.size(); i++) {
      Hop hop = hops.get(i);
      String source = "source-" + i;
      String processor = "forward-" + i;
      topology.addSource(source, new ByteArrayDeserializer(), new ByteArrayDeserializer(), hop.in());
      String next = "next-" + i;
      String copies = "events-" + i;
      topology.addProcessor(processor, () -> new Forward(next, copies, hop.ordinals(), ordinalHeader), source);
      topology.addSink(next, hop.out(), new ByteArraySerializer(), new ByteArraySerializer(), processor);
      topology.addSink(copies, events, new ByteArraySerializer(), new ByteArraySerializer(), processor);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    props.put(StreamsConfig.POLL_MS_CONFIG, 100L);
    // runex's topology settings (RunexTopology.streamsProperties)
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), commitInterval.toMillis());
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    this.streams = new KafkaStreams(topology, props);
  }

  void start() {
    streams.start();
  }

  @Override
  public void close() {
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
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
        context.forward(record.withHeaders(new RecordHeaders().add(header, new byte[] {n})), events);
      }
    }
  }
}

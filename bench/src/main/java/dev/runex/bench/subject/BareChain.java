package dev.runex.bench.subject;

import dev.runex.bench.BenchParams;
import dev.runex.launcher.local.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The baseline: the shortest exactly-once pipeline with runex's shape — three transactional
 * consume→produce hops intake → validated → scheduled → results, one thread each, passing the raw
 * bytes through unchanged. It does no decoding, validation, scheduling, execution, events or
 * metrics, so the gap between it and runex is what runex's work costs on the same broker.
 *
 * <p>{@link #withRunexRecords} builds a second, reference baseline that writes as many Kafka
 * records per job as runex does, still as raw bytes: the three hops also copy the job to {@code
 * events} (2 + 1 + 2 copies, like runex's five lifecycle events), and a fourth hop, off the result
 * path like runex's job-status application, reads those events and writes 3 of each job's 5 to
 * {@code status} (like the status application's changelog records). {@link #withLifecycleRecords}
 * leaves that hop out, and {@link #withStreamsHops} also runs the first two hops as one Kafka
 * Streams application, like runex's topology ({@link StreamsHops}).
 */
public final class BareChain implements SystemUnderTest {
  private static final Duration PROVISION_TIMEOUT = Duration.ofSeconds(60);
  private static final String INTAKE = "intake";
  private static final String VALIDATED = "validated";
  private static final String SCHEDULED = "scheduled";
  private static final String RESULTS = "results";
  private static final String EVENTS = "events";
  private static final String STATUS = "status";

  /** Header of each copy on events: its ordinal (one byte, 0..4) among the job's five copies. */
  private static final String ORDINAL = "n";

  /** One hop to start: the topic it consumes and what it writes for each record. */
  private record Hop(String in, TransactionalHop.Output output) {}

  /** What the chain writes per job. */
  private enum Records {
    /** One record per hop. */
    PLAIN("bare chain"),
    /** Plus an events copy per transition: the records of a job's lifecycle. */
    LIFECYCLE("bare chain, lifecycle records"),
    /** Plus the status hop: every record runex writes. */
    RUNEX("bare chain, runex's records"),
    /** The lifecycle records, the first two hops as one Kafka Streams application. */
    STREAMS("bare chain, lifecycle records, Kafka Streams hops");

    final String label;

    Records(String label) {
      this.label = label;
    }
  }

  private final String bootstrapServers;
  private final String prefix;
  private final BenchParams params;
  private final Records records;
  private final Path stateDir;
  private final List<TransactionalHop> hops = new ArrayList<>();
  private StreamsHops streams;

  public BareChain(String bootstrapServers, String prefix, BenchParams params) {
    this(bootstrapServers, prefix, params, Records.PLAIN, null);
  }

  private BareChain(
      String bootstrapServers, String prefix, BenchParams params, Records records, Path stateDir) {
    this.bootstrapServers = bootstrapServers;
    this.prefix = prefix;
    this.params = params;
    this.records = records;
    this.stateDir = stateDir;
  }

  /**
   * The bare chain writing runex's records per job: 3 at the first hop (validated + 2 events), 2 at
   * the second (scheduled + 1 event), 3 at the third (result + 2 events), and a status hop writing
   * 3 of the job's 5 events. Results and their check are the plain chain's.
   */
  public static BareChain withRunexRecords(
      String bootstrapServers, String prefix, BenchParams params) {
    return new BareChain(bootstrapServers, prefix, params, Records.RUNEX, null);
  }

  /**
   * The same without the status hop: only the records of a job's lifecycle (the job on each hop,
   * its result and an event per transition), without the job-status application's.
   */
  public static BareChain withLifecycleRecords(
      String bootstrapServers, String prefix, BenchParams params) {
    return new BareChain(bootstrapServers, prefix, params, Records.LIFECYCLE, null);
  }

  /**
   * The lifecycle records with the first two hops (intake → validated with the received and
   * validated copies, validated → scheduled with the scheduled copy) as one Kafka Streams
   * application with runex's topology settings, its Kafka Streams state in {@code stateDir}; the
   * third hop stays a transactional loop, like runex's worker. Its cost over {@link
   * #withLifecycleRecords} is Kafka Streams' own.
   */
  public static BareChain withStreamsHops(
      String bootstrapServers, String prefix, BenchParams params, Path stateDir) {
    return new BareChain(bootstrapServers, prefix, params, Records.STREAMS, stateDir);
  }

  @Override
  public String name() {
    return records.label;
  }

  @Override
  public String intakeTopic() {
    return prefix + INTAKE;
  }

  @Override
  public String resultsTopic() {
    return prefix + RESULTS;
  }

  @Override
  public void provision() {
    List<String> stages =
        switch (records) {
          case PLAIN -> List.of(INTAKE, VALIDATED, SCHEDULED, RESULTS);
          case LIFECYCLE, STREAMS -> List.of(INTAKE, VALIDATED, SCHEDULED, RESULTS, EVENTS);
          case RUNEX -> List.of(INTAKE, VALIDATED, SCHEDULED, RESULTS, EVENTS, STATUS);
        };
    List<NewTopic> topics =
        stages.stream().map(s -> new NewTopic(prefix + s, params.partitions(), (short) 1)).toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicProvisioner.ensureTopics(admin, topics, PROVISION_TIMEOUT);
    }
  }

  @Override
  public void start() {
    List<Hop> plan = records == Records.PLAIN ? plainHops() : runexRecordHops();
    if (records == Records.STREAMS) {
      streams =
          new StreamsHops(
              bootstrapServers,
              prefix + "streams-hops",
              stateDir,
              params.commitInterval(),
              prefix + EVENTS,
              ORDINAL,
              List.of(
                  new StreamsHops.Hop(prefix + INTAKE, prefix + VALIDATED, new byte[] {0, 1}),
                  new StreamsHops.Hop(prefix + VALIDATED, prefix + SCHEDULED, new byte[] {2})));
      streams.start();
      plan = plan.subList(2, plan.size());
    }
    for (int i = 0; i < plan.size(); i++) {
      TransactionalHop hop =
          new TransactionalHop(
              bootstrapServers,
              plan.get(i).in(),
              plan.get(i).output(),
              prefix + "bare-hop-" + i,
              params.commitInterval());
      hops.add(hop);
      hop.start();
    }
  }

  private List<Hop> plainHops() {
    return List.of(
        new Hop(prefix + INTAKE, TransactionalHop.forwardTo(prefix + VALIDATED)),
        new Hop(prefix + VALIDATED, TransactionalHop.forwardTo(prefix + SCHEDULED)),
        new Hop(prefix + SCHEDULED, TransactionalHop.forwardTo(prefix + RESULTS)));
  }

  private List<Hop> runexRecordHops() {
    List<Hop> hops =
        new ArrayList<>(
            List.of(
                new Hop(prefix + INTAKE, forwardWithEvents(VALIDATED, 0, 1)), // received, validated
                new Hop(prefix + VALIDATED, forwardWithEvents(SCHEDULED, 2)), // scheduled
                new Hop(
                    prefix + SCHEDULED, forwardWithEvents(RESULTS, 3, 4)))); // started, succeeded
    if (records == Records.RUNEX) {
      hops.add(new Hop(prefix + EVENTS, statusWrites()));
    }
    return hops;
  }

  /**
   * Forwards the record to {@code next} and a copy of it to events for each of {@code ordinals}.
   */
  private TransactionalHop.Output forwardWithEvents(String next, int... ordinals) {
    TransactionalHop.Output forward = TransactionalHop.forwardTo(prefix + next);
    String events = prefix + EVENTS;
    List<List<Header>> headers = new ArrayList<>();
    for (int n : ordinals) {
      headers.add(List.of(new RecordHeader(ORDINAL, new byte[] {(byte) n})));
    }
    return (r, send) -> {
      forward.write(r, send);
      for (List<Header> h : headers) {
        send.accept(new ProducerRecord<>(events, null, r.key(), r.value(), h));
      }
    };
  }

  /**
   * The status hop: of each job's five events, forwards the copies with ordinals 0, 2 and 4 to
   * status — standing for the three changelog records runex's status application writes per job:
   * the job's view, its tenant-index entry and its expiry entry.
   */
  private TransactionalHop.Output statusWrites() {
    TransactionalHop.Output toStatus = TransactionalHop.forwardTo(prefix + STATUS);
    return (r, send) -> {
      Header ordinal = r.headers().lastHeader(ORDINAL);
      if (ordinal != null
          && ordinal.value().length == 1
          && ordinal.value()[0] % 2 == 0) { // 0, 2 or 4
        toStatus.write(r, send);
      }
    };
  }

  /** The status hop of the chain writing runex's records (the fourth hop: its group is its id). */
  @Override
  public List<SideReader> sideReaders() {
    return records == Records.RUNEX
        ? List.of(new SideReader(prefix + "bare-hop-3", prefix + EVENTS))
        : List.of();
  }

  /** Raw passthrough: every record that reaches results is a finished job. */
  @Override
  public boolean succeeded(byte[] resultValue) {
    return true;
  }

  @Override
  public void close() {
    if (streams != null) {
      streams.close();
      streams = null;
    }
    hops.forEach(TransactionalHop::close);
    hops.clear();
  }
}

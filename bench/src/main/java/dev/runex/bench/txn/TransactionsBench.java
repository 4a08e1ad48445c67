package dev.runex.bench.txn;

import dev.runex.bench.BenchInfra;
import dev.runex.config.KafkaOverrides;
import dev.runex.launcher.local.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Back-to-back transactions: what one transactional producer pays per transaction when it starts
 * the next one as soon as the last commit returns, as a Kafka Streams thread or a busy worker does.
 * A transaction's first records then often reach the broker while it still writes the previous
 * commit's markers; the broker retries adding their partitions itself ({@code
 * add.partitions.to.txn.retry.backoff.ms}), then answers {@code CONCURRENT_TRANSACTIONS} and the
 * client retries ({@code retry.backoff.ms}, growing to {@code retry.backoff.max.ms}).
 *
 * <p>Two brokers, one after the other, each started by the project's scripts: one as runex's local
 * stack runs it (Kafka's default, 20 ms), one retrying every 2 ms. On each, three clients: runex's
 * settings for its transactional producers ({@code retry.backoff.ms} 10, Kafka's 1-s maximum), the
 * same with the back-off capped at 100 ms, and Kafka's defaults. Each sends one record to each of
 * {@code k} partitions per transaction (also the consumed offsets, as a consume-process-produce hop
 * commits them: records and offsets together, as a worker sends them, or the records flushed first,
 * as Kafka Streams commits) and commits; it prints the time per transaction (p50 / p90 / p99 / max)
 * and the client's retries, and the ratio of each p50 and max to runex's broker and client. All
 * clients linger 20 ms, as runex's do (the commit flushes); a warm-up case on each broker and the
 * clients taking turns at going first keep a warming broker from favouring any.
 */
@Command(
    name = "txn",
    mixinStandardHelpOptions = true,
    description =
        "Back-to-back transactions of one producer: time per transaction with runex's broker and"
            + " client settings against Kafka's defaults.")
public final class TransactionsBench implements Callable<Integer> {
  private static final String TOPIC = "txn-bench-out";
  private static final String SOURCE = "txn-bench-in";
  private static final int PARTITIONS = 24;
  private static final int LINGER_MS = 20;

  @Option(
      names = "--transactions",
      defaultValue = "500",
      description = "Measured transactions per case (default: ${DEFAULT-VALUE}).")
  int transactions;

  @Option(
      names = "--warmup",
      defaultValue = "50",
      description = "Unmeasured transactions before each case (default: ${DEFAULT-VALUE}).")
  int warmup;

  /** What a transaction holds besides its records, and in which order they go out. */
  private enum Commit {
    /** Records only. */
    RECORDS(""),
    /** Records, then the consumed offsets, then commit (the commit flushes): a worker's order. */
    OFFSETS(" + offsets"),
    /** Records flushed, then the offsets, then commit: Kafka Streams' order. */
    FLUSHED_OFFSETS(", flushed + offsets");

    final String label;

    Commit(String label) {
      this.label = label;
    }
  }

  /** One measured case: which broker, which client, how many partitions, what is committed. */
  private record Case(String broker, String client, int partitions, Commit commit) {
    String shape() {
      return partitions + (partitions == 1 ? " partition" : " partitions") + commit.label;
    }
  }

  private record Result(Case c, long p50, long p90, long p99, long max, double retries) {}

  @Override
  public Integer call() throws Exception {
    Map<String, Map<String, String>> brokers = new LinkedHashMap<>();
    brokers.put("20 ms (Kafka, runex)", Map.of());
    brokers.put("2 ms", Map.of("add.partitions.to.txn.retry.backoff.ms", "2"));
    Map<String, Map<String, Object>> clients = new LinkedHashMap<>();
    clients.put(
        "runex (10 ms, max 1 s)",
        Map.of(
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, KafkaOverrides.TRANSACTION_RETRY_BACKOFF_MS));
    clients.put(
        "capped (10 ms, max 100 ms)",
        Map.of(
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG,
            KafkaOverrides.TRANSACTION_RETRY_BACKOFF_MS,
            ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG,
            100));
    clients.put("Kafka (100 ms, max 1 s)", Map.of());
    List<Result> results = new ArrayList<>();
    Path dir = Files.createTempDirectory("runex-txn-bench-");
    int brokerIndex = 0;
    try {
      for (Map.Entry<String, Map<String, String>> b : brokers.entrySet()) {
        Path data = dir.resolve("kafka-" + brokerIndex++);
        try (KafkaBroker broker = KafkaBroker.start(data, 0, 0, b.getValue())) {
          String bootstrap = broker.bootstrapServers();
          createTopics(bootstrap);
          // the broker's own warm-up (its JIT), unmeasured, so the first case is not the slowest
          run(
              bootstrap,
              new Case(b.getKey(), "warm-up", PARTITIONS, Commit.FLUSHED_OFFSETS),
              Map.of(),
              "txn-warm");
          List<Map.Entry<String, Map<String, Object>>> order = new ArrayList<>(clients.entrySet());
          int producerIndex = 0;
          for (int k : new int[] {1, PARTITIONS}) {
            for (Commit commit : Commit.values()) {
              // the clients take turns at going first, so none always meets a warmer broker
              Collections.rotate(order, 1);
              for (Map.Entry<String, Map<String, Object>> cl : order) {
                Case c = new Case(b.getKey(), cl.getKey(), k, commit);
                results.add(run(bootstrap, c, cl.getValue(), "txn-bench-" + producerIndex++));
                System.err.printf(
                    Locale.ROOT, "done: %s / %s / %s%n", c.broker(), c.client(), c.shape());
              }
            }
          }
        }
      }
    } finally {
      BenchInfra.deleteTree(dir);
    }
    print(results, List.copyOf(brokers.keySet()), List.copyOf(clients.keySet()));
    return 0;
  }

  private static void createTopics(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(TOPIC, PARTITIONS, (short) 1), new NewTopic(SOURCE, 1, (short) 1)))
          .all()
          .get();
    }
  }

  private Result run(String bootstrap, Case c, Map<String, Object> client, String id) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // as runex's transactional producers linger (their commit interval; the commit flushes)
    props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    long[] nanos = new long[transactions];
    byte[] value = new byte[200];
    TopicPartition source = new TopicPartition(SOURCE, 0);
    ConsumerGroupMetadata group = new ConsumerGroupMetadata(id);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      double retriesBefore = 0;
      for (int i = -warmup; i < transactions; i++) {
        if (i == 0) {
          retriesBefore = retries(producer);
        }
        long start = System.nanoTime();
        producer.beginTransaction();
        for (int p = 0; p < c.partitions(); p++) {
          producer.send(new ProducerRecord<>(TOPIC, p, null, value));
        }
        if (c.commit() == Commit.FLUSHED_OFFSETS) {
          producer.flush();
        }
        if (c.commit() != Commit.RECORDS) {
          producer.sendOffsetsToTransaction(
              Map.of(source, new OffsetAndMetadata(i + warmup + 1L)), group);
        }
        producer.commitTransaction();
        if (i >= 0) {
          nanos[i] = System.nanoTime() - start;
        }
      }
      double retries = retries(producer) - retriesBefore;
      Arrays.sort(nanos);
      return new Result(
          c,
          micros(nanos, 0.50),
          micros(nanos, 0.90),
          micros(nanos, 0.99),
          nanos[nanos.length - 1] / 1_000,
          retries);
    }
  }

  private static double retries(KafkaProducer<?, ?> producer) {
    return producer.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("record-retry-total"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .sum();
  }

  private static long micros(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1_000;
  }

  /** Prints the results grouped by broker, then client, each in the order they were declared. */
  private void print(List<Result> unordered, List<String> brokerOrder, List<String> clientOrder) {
    List<Result> results = new ArrayList<>(unordered);
    results.sort(
        Comparator.comparingInt((Result r) -> brokerOrder.indexOf(r.c().broker()))
            .thenComparingInt(r -> clientOrder.indexOf(r.c().client()))
            .thenComparingInt(r -> r.c().partitions())
            .thenComparing(r -> r.c().commit()));
    System.out.printf(
        Locale.ROOT,
        "%nBack-to-back transactions of one producer, %d measured per case (ms per transaction)%n%n",
        transactions);
    System.out.printf(
        Locale.ROOT,
        "%-22s %-28s %-34s %7s %7s %7s %8s %8s %10s %10s%n",
        "broker",
        "client",
        "shape",
        "p50",
        "p90",
        "p99",
        "max",
        "retries",
        "p50 ratio",
        "max ratio");
    for (Result r : results) {
      Result base =
          results.stream()
              .filter(
                  x -> x.c().partitions() == r.c().partitions() && x.c().commit() == r.c().commit())
              .findFirst()
              .orElseThrow();
      System.out.printf(
          Locale.ROOT,
          "%-22s %-28s %-34s %7.1f %7.1f %7.1f %8.1f %8.0f %9.2fx %9.2fx%n",
          r.c().broker(),
          r.c().client(),
          r.c().shape(),
          r.p50() / 1000.0,
          r.p90() / 1000.0,
          r.p99() / 1000.0,
          r.max() / 1000.0,
          r.retries(),
          (double) r.p50() / Math.max(1, base.p50()),
          (double) r.max() / Math.max(1, base.max()));
    }
    System.out.println(
        "\nratios: to the same shape with runex's broker and client settings (the first rows);"
            + " retries: the client's record retries (CONCURRENT_TRANSACTIONS and what it throws"
            + " out of order).");
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "bench-logback.xml");
    }
    System.exit(new CommandLine(new TransactionsBench()).execute(args));
  }
}

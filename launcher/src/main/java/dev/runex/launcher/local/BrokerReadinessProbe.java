package dev.runex.launcher.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves a freshly started broker is usable the way runex uses it, not merely listening: the
 * cluster answers, a topic can be created and deleted, a transaction commits (transaction
 * coordinator and its internal topic work), and a consumer group reads that record with {@code
 * read_committed} and commits its offset (group coordinator and offsets topic work). A
 * misconfigured single-node broker passes the first two and hangs on the last two.
 */
final class BrokerReadinessProbe {
  private static final Logger log = LoggerFactory.getLogger(BrokerReadinessProbe.class);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

  private final String bootstrapServers;
  private final ServerProcess process;
  private final Instant deadline;
  private final String probeId = "runex-readiness-" + UUID.randomUUID();

  private BrokerReadinessProbe(String bootstrapServers, ServerProcess process, Instant deadline) {
    this.bootstrapServers = bootstrapServers;
    this.process = process;
    this.deadline = deadline;
  }

  /**
   * Returns once every check passed; otherwise throws with the failed step (the caller adds the
   * log).
   */
  static void await(String bootstrapServers, ServerProcess process, Duration timeout)
      throws ProbeFailure {
    new BrokerReadinessProbe(bootstrapServers, process, Instant.now().plus(timeout)).run();
  }

  /** A readiness step that failed or did not finish in time. */
  static final class ProbeFailure extends Exception {
    ProbeFailure(String step, Throwable cause) {
      super("step '" + step + "' failed: " + cause, cause);
    }
  }

  private void run() throws ProbeFailure {
    step("accept connections", this::awaitListening);
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) ATTEMPT_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ATTEMPT_TIMEOUT.toMillis(),
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                500))) {
      step("describe cluster", () -> awaitCluster(admin));
      step(
          "create probe topic",
          () -> get(admin.createTopics(List.of(new NewTopic(probeId, 1, (short) 1))).all()));
      step("commit a transaction", this::produceTransactionally);
      step("read_committed consumer group commits an offset", this::consumeAndCommit);
      step("committed offset visible to the admin client", () -> checkCommittedOffset(admin));
      step("delete probe topic", () -> get(admin.deleteTopics(List.of(probeId)).all()));
      deleteGroupQuietly(admin);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private void step(String name, Step step) throws ProbeFailure {
    process.requireAlive();
    long started = System.nanoTime();
    try {
      step.run();
    } catch (ExecutionException e) {
      process.requireAlive();
      throw new ProbeFailure(name, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeFailure(name, e);
    } catch (Exception e) {
      process.requireAlive();
      throw new ProbeFailure(name, e);
    }
    log.debug(
        "Broker readiness: {} took {} ms",
        name,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * Waits for the listener with plain TCP first: an admin client pointed at a closed port logs a
   * WARN per reconnect, which would bury the useful lines of a start.
   */
  private void awaitListening() throws Exception {
    HostAndPort address = HostAndPort.parse(bootstrapServers);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address.host(), address.port()), 500);
        return;
      } catch (IOException e) {
        process.requireAlive();
        if (remaining().compareTo(Duration.ofMillis(100)) <= 0) {
          throw new TimeoutException("nothing listens on " + bootstrapServers + ": " + e);
        }
        Thread.sleep(100); // the JVM is still starting
      }
    }
  }

  private record HostAndPort(String host, int port) {
    static HostAndPort parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      return new HostAndPort(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
  }

  /**
   * The controller elects itself and the broker registers a moment after binding; until then calls
   * fail.
   */
  private void awaitCluster(Admin admin) throws Exception {
    while (true) {
      try {
        admin.describeCluster().nodes().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        process.requireAlive();
        if (remaining().compareTo(Duration.ofMillis(250)) <= 0) {
          throw e;
        }
        Thread.sleep(250); // the broker is still starting; poll again shortly
      }
    }
  }

  private void produceTransactionally() throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                probeId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                remaining().toMillis(),
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) ATTEMPT_TIMEOUT.toMillis(),
                // Must be at least linger + request timeout; otherwise bounded by what is left of
                // the deadline.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.max(remaining().toMillis(), ATTEMPT_TIMEOUT.toMillis())),
            new StringSerializer(),
            new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer
          .send(new ProducerRecord<>(probeId, "probe", probeId))
          .get(remaining().toMillis(), TimeUnit.MILLISECONDS);
      producer.commitTransaction();
    }
  }

  private void consumeAndCommit() throws Exception {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                probeId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(probeId));
      while (true) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (probeId.equals(r.value())) {
            consumer.commitSync(
                Map.of(
                    new TopicPartition(r.topic(), r.partition()),
                    new OffsetAndMetadata(r.offset() + 1)),
                remaining());
            return;
          }
        }
        if (remaining().isZero()) {
          throw new TimeoutException("the committed probe record was not read in time");
        }
        process.requireAlive();
      }
    }
  }

  private void checkCommittedOffset(Admin admin) throws Exception {
    TopicPartition tp = new TopicPartition(probeId, 0);
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(probeId).partitionsToOffsetAndMetadata());
    long end = get(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)).offset();
    OffsetAndMetadata offset = committed.get(tp);
    // The end offset is past the record and its transaction marker; the group committed past the
    // record.
    if (offset == null || offset.offset() < 1 || offset.offset() > end) {
      throw new IllegalStateException(
          "group " + probeId + " committed " + offset + " on " + tp + " (end offset " + end + ")");
    }
  }

  private void deleteGroupQuietly(Admin admin) {
    try {
      get(admin.deleteConsumerGroups(Set.of(probeId)).all());
    } catch (Exception e) {
      // Harmless leftover: an empty group expires on its own.
      log.debug("Could not delete readiness probe group {}: {}", probeId, e.toString());
    }
  }

  private <T> T get(KafkaFuture<T> future) throws Exception {
    return future.get(remaining().toMillis(), TimeUnit.MILLISECONDS);
  }

  private Duration remaining() {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.launcher.local.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker SIGKILLed while a producer's transaction is open on every partition of a topic, then
 * restarted on the same data. The restarted single-node broker aborts the open transaction for its
 * timeout while its metadata does not yet list the topic, and drops the abort markers: left alone,
 * the partitions keep that transaction open forever and no {@code read_committed} reader passes it.
 * The broker runex starts must end it (its hanging-transaction guard), so that every partition
 * becomes readable again: exactly the committed records, none of the open transaction's, and a new
 * producer of the same transactional id commits after it.
 */
class BrokerKillTransactionIT {
  private static final String TOPIC = "t";
  private static final int PARTITIONS = 4;
  private static final int COMMITTED = 50;
  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void aTransactionOpenWhenTheBrokerWasKilledEndsAndEveryPartitionIsReadableAgain()
      throws Exception {
    KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"), 0, 0);
    int port = broker.port();
    int controllerPort = broker.controllerPort();
    String bootstrap = broker.bootstrapServers();
    try {
      try (Admin admin = admin(bootstrap)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
      }
      KafkaProducer<String, String> producer = producer(bootstrap);
      producer.initTransactions();
      for (int n = 0; n < COMMITTED; n++) {
        producer.beginTransaction();
        sendToEveryPartition(producer, "committed-" + n);
        producer.commitTransaction();
      }
      producer.beginTransaction();
      sendToEveryPartition(producer, "open");
      producer.flush();

      ProcessHandle.of(broker.pid()).ifPresent(ProcessHandle::destroyForcibly);
      ProcessHandle.of(broker.pid()).ifPresent(h -> h.onExit().join());
      broker.close();
      broker = KafkaBroker.start(tmp.resolve("kafka"), port, controllerPort);
      producer.close(Duration.ZERO); // the producer of the open transaction is gone for good

      try (Admin admin = admin(bootstrap)) {
        await("no partition of the topic keeps an open transaction")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> openTransactions(admin) == 0);
      }
      try (KafkaProducer<String, String> next = producer(bootstrap)) {
        next.initTransactions();
        next.beginTransaction();
        sendToEveryPartition(next, "after");
        next.commitTransaction();
      }
      List<String> values = readCommitted(bootstrap, PARTITIONS * (COMMITTED + 1));
      assertThat(values).doesNotContain("open").filteredOn("after"::equals).hasSize(PARTITIONS);
      assertThat(values).hasSize(PARTITIONS * (COMMITTED + 1));
    } finally {
      broker.close();
    }
  }

  private static void sendToEveryPartition(KafkaProducer<String, String> producer, String value) {
    for (int p = 0; p < PARTITIONS; p++) {
      producer.send(new ProducerRecord<>(TOPIC, p, value, value));
    }
  }

  private static long openTransactions(Admin admin) throws Exception {
    List<TopicPartition> tps =
        IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
    return admin.describeProducers(tps).all().get().values().stream()
        .flatMap(s -> s.activeProducers().stream())
        .filter(p -> p.currentTransactionStartOffset().isPresent())
        .count();
  }

  /** Reads the topic from the start with read_committed until {@code expected} values arrived. */
  private static List<String> readCommitted(String bootstrap, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(
          IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList());
      await("every committed record readable")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  values.add(r.value());
                }
                return values.size() >= expected;
              });
      // anything past the expected count (a record of the open transaction) arrives with them
      consumer.poll(Duration.ofSeconds(2)).forEach(r -> values.add(r.value()));
    }
    return values;
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "killed-broker-producer",
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000"),
        new StringSerializer(),
        new StringSerializer());
  }
}

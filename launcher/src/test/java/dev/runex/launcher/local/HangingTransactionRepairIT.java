package dev.runex.launcher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.launcher.local.TransactionOutcomes.Entry;
import dev.runex.launcher.local.TransactionOutcomes.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two halves of ending a hanging transaction as its coordinator decided, on a real broker: the
 * decisions read back from the coordinator's log for the epochs a partition shows, and a commit
 * marker written for a transaction still open on a partition, after which {@code read_committed}
 * readers get its records.
 */
class HangingTransactionRepairIT {
  private static final String TOPIC = "t";
  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void decisionsAreReadFromTheCoordinatorsLogAndACommitMarkerEndsAnOpenTransaction()
      throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(tmp.resolve("kafka"), 0, 0);
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      String bootstrap = broker.bootstrapServers();
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      TopicPartition first = new TopicPartition(TOPIC, 0);
      TopicPartition second = new TopicPartition(TOPIC, 1);

      ProducerState committed;
      ProducerState aborted;
      try (KafkaProducer<String, String> p = producer(bootstrap, "decided")) {
        p.initTransactions();
        p.beginTransaction();
        p.send(new ProducerRecord<>(TOPIC, 0, "k", "committed"));
        p.flush();
        committed = openOn(admin, first).orElseThrow();
        p.commitTransaction();
        p.beginTransaction();
        p.send(new ProducerRecord<>(TOPIC, 0, "k", "aborted"));
        p.flush();
        aborted = openOn(admin, first).orElseThrow();
        p.abortTransaction();
      }
      int logPartitions = HangingTransactionGuard.logPartitions(admin);
      List<Entry> log =
          TransactionOutcomes.read(bootstrap, "decided", logPartitions, committed.lastTimestamp());
      assertThat(log).isNotEmpty().allMatch(e -> e.producerId() == committed.producerId());
      assertThat(decide(log, committed, first)).isEqualTo(Outcome.COMMITTED);
      assertThat(decide(log, aborted, first)).isEqualTo(Outcome.ABORTED);
      assertThat(decide(log, committed, second))
          .as("a partition it never wrote")
          .isEqualTo(Outcome.UNKNOWN);

      KafkaProducer<String, String> left = producer(bootstrap, "left-open");
      try {
        left.initTransactions();
        left.beginTransaction();
        left.send(new ProducerRecord<>(TOPIC, 1, "k", "open, then committed by a marker"));
        left.flush();
        ProducerState open = openOn(admin, second).orElseThrow();
        Node leader =
            admin
                .describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get()
                .get(TOPIC)
                .partitions()
                .get(1)
                .leader();
        CommitMarkerWriter.commit(
            leader,
            second,
            open.producerId(),
            (short) open.producerEpoch(),
            open.coordinatorEpoch().orElse(0));
        assertThat(openOn(admin, second)).as("the partition's open transaction").isEmpty();
        assertThat(readCommitted(bootstrap, second))
            .containsExactly("open, then committed by a marker");
      } finally {
        left.close(Duration.ZERO);
      }
    }
  }

  private static Outcome decide(List<Entry> log, ProducerState p, TopicPartition tp) {
    return TransactionOutcomes.decide(
        log, "decided", p.producerId(), (short) p.producerEpoch(), tp);
  }

  private static Optional<ProducerState> openOn(Admin admin, TopicPartition tp) throws Exception {
    return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
        .filter(s -> s.currentTransactionStartOffset().isPresent())
        .findFirst();
  }

  private static List<String> readCommitted(String bootstrap, TopicPartition tp) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      await("the committed record")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
                return !values.isEmpty();
              });
    }
    return values;
  }

  private static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId),
        new StringSerializer(),
        new StringSerializer());
  }
}

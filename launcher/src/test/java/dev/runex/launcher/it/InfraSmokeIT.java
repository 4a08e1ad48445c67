package dev.runex.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.serde.ConfluentAvroDeserializer;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.HttpSchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the real servers behave as the runtime relies on: transactions and read_committed,
 * consumer-group commits, Confluent-framed Avro through Apicurio's ccompat API, BACKWARD
 * compatibility enforcement, and topic provisioning from config.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InfraSmokeIT {

  @BeforeAll
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  static void startServers() {
    // Startup (up to minutes on a loaded machine) is not charged to the first test's timeout.
    RealKafka.bootstrapServers();
  }

  @Test
  void readCommittedConsumerSeesCommittedTransactionsButNotAbortedOnes() throws Exception {
    // given
    String topic = createTopic(1);
    try (KafkaProducer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      // when
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed"));
      producer.commitTransaction();
    }
    // then
    try (KafkaConsumer<String, String> consumer = consumer("reader-" + topic)) {
      consumer.subscribe(List.of(topic));
      List<String> values = pollUntil(consumer, 1);
      assertThat(values).containsExactly("committed");
      assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
    }
  }

  @Test
  void consumerGroupResumesAfterItsCommittedOffset() throws Exception {
    // given
    String topic = createTopic(1);
    String group = "group-" + topic;
    try (KafkaProducer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      List.of("a", "b", "c").forEach(v -> producer.send(new ProducerRecord<>(topic, "k", v)));
      producer.commitTransaction();
    }
    // when: the first member reads one record and commits past it only
    try (KafkaConsumer<String, String> first = consumer(group)) {
      first.subscribe(List.of(topic));
      ConsumerRecord<String, String> a = pollRecordsUntil(first, 1).get(0);
      first.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(a.offset() + 1)));
    }
    // then: the group's offset is stored and a new member continues from it
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(1);
    }
    try (KafkaConsumer<String, String> second = consumer(group)) {
      second.subscribe(List.of(topic));
      assertThat(pollUntil(second, 2)).containsExactly("b", "c");
    }
  }

  @Test
  void jobResultRoundTripsAsConfluentAvroThroughBrokerAndRegistry() throws Exception {
    // given
    String topic = createTopic(1);
    SchemaRegistryClient registry = new HttpSchemaRegistryClient(RealKafka.registryUrl());
    int id = registry.register(topic + "-value", JobResult.getClassSchema());
    JobResult sent = sampleResult();
    // when
    try (KafkaProducer<String, JobResult> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers()),
            new StringSerializer(),
            new ConfluentAvroSerializer<>(registry, false))) {
      producer.send(new ProducerRecord<>(topic, sent.getId(), sent)).get(30, TimeUnit.SECONDS);
    }
    // then: the record carries the id the registry issued and decodes to what was sent
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            consumerConfig("avro-" + topic),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      byte[] value = pollRecordsUntil(consumer, 1).get(0).value();
      assertThat(ConfluentAvroDeserializer.schemaId(value)).isEqualTo(id);
      Deserializer<JobResult> reader = new ConfluentAvroDeserializer<>(registry, JobResult.class);
      assertThat(reader.deserialize(topic, value)).isEqualTo(sent);
    }
    assertThat(registry.getById(id).getFullName())
        .isEqualTo(JobResult.getClassSchema().getFullName());
  }

  @Test
  void registryRefusesIncompatibleChangeWithHttp409ButAcceptsCompatibleOne() {
    // given
    String subject = "compat-" + UUID.randomUUID() + "-value";
    SchemaRegistryClient registry = new HttpSchemaRegistryClient(RealKafka.registryUrl());
    Schema v1 =
        SchemaBuilder.record("Probe")
            .namespace("dev.runex.it")
            .fields()
            .requiredString("id")
            .endRecord();
    Schema compatible =
        SchemaBuilder.record("Probe")
            .namespace("dev.runex.it")
            .fields()
            .requiredString("id")
            .name("note")
            .type()
            .stringType()
            .stringDefault("")
            .endRecord();
    Schema incompatible =
        SchemaBuilder.record("Probe")
            .namespace("dev.runex.it")
            .fields()
            .requiredString("id")
            .name("note")
            .type()
            .stringType()
            .noDefault()
            .requiredLong("size")
            .endRecord();
    int firstId = registry.register(subject, v1);
    // when / then: a new reader field without default cannot read old records
    assertThatThrownBy(() -> registry.register(subject, incompatible))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("HTTP 409");
    assertThat(registry.register(subject, compatible)).isNotEqualTo(firstId);
  }

  @Test
  void provisionerCreatesConfiguredTopicsOnceAndToleratesExistingOnes() throws Exception {
    // given
    RunexConfig cfg = RealKafka.config(Map.of("runex.topics.partitions", "3"));
    RunexTopics topics = RealKafka.topics(cfg);
    List<String> pools = List.of("default", "gpu");
    List<String> expected = topics.newTopics(pools).stream().map(NewTopic::name).toList();
    // when
    TopicProvisioner.Provisioned first = TopicProvisioner.ensureTopics(cfg, topics, pools);
    TopicProvisioner.Provisioned again = TopicProvisioner.ensureTopics(cfg, topics, pools);
    // then
    assertThat(first.created()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(first.existing()).isEmpty();
    assertThat(again.created()).isEmpty();
    assertThat(again.existing()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(expected)
        .contains(cfg.topicPrefix() + "scheduled.gpu", cfg.topicPrefix() + "results");
    try (Admin admin = admin()) {
      Map<String, TopicDescription> described =
          admin.describeTopics(expected).allTopicNames().get(30, TimeUnit.SECONDS);
      assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));
    }
  }

  @Test
  void withTopicCreationOffTheProvisionerOnlyChecksAndNamesWhatIsMissing() throws Exception {
    // given: nothing created yet for this prefix, and creation switched off
    RunexConfig cfg =
        RealKafka.config(Map.of("runex.topics.partitions", "2", "runex.topics.create", "false"));
    RunexTopics topics = RealKafka.topics(cfg);
    List<NewTopic> wanted = TopicProvisioner.wanted(topics, List.of("default"));
    // when / then: the check fails naming the missing topics, and creates none of them
    try (Admin admin = admin()) {
      assertThatThrownBy(() -> TopicProvisioner.checkTopics(admin, wanted, Duration.ofSeconds(3)))
          .hasMessageContaining(cfg.topicPrefix() + "intake")
          .hasMessageContaining("runex.topics.create is false");
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .doesNotContain(cfg.topicPrefix() + "intake");
      // once someone else created them, the same process start passes and creates nothing
      TopicProvisioner.ensureTopics(admin, wanted, Duration.ofSeconds(60));
    }
    TopicProvisioner.Provisioned checked =
        TopicProvisioner.ensureTopics(cfg, topics, List.of("default"));
    assertThat(checked.created()).isEmpty();
    assertThat(checked.existing())
        .containsExactlyInAnyOrderElementsOf(wanted.stream().map(NewTopic::name).toList());
  }

  @Test
  void admissionAndFeedbackWithDifferentPartitionCountsAreRefusedNamingBoth() throws Exception {
    // given: topics made by hand, feedback with fewer partitions than admission
    RunexConfig cfg =
        RealKafka.config(Map.of("runex.topics.partitions", "2", "runex.topics.create", "false"));
    RunexTopics topics = RealKafka.topics(cfg);
    List<NewTopic> wanted = new ArrayList<>(TopicProvisioner.wanted(topics, List.of("default")));
    wanted.replaceAll(
        t -> t.name().equals(topics.feedback().name()) ? new NewTopic(t.name(), 1, (short) 1) : t);
    try (Admin admin = admin()) {
      TopicProvisioner.ensureTopics(admin, wanted, Duration.ofSeconds(60));
    }
    // when / then
    assertThatThrownBy(() -> TopicProvisioner.ensureTopics(cfg, topics, List.of("default")))
        .hasMessageContaining(topics.admission().name() + " (2 partitions)")
        .hasMessageContaining(topics.feedback().name() + " (1 partitions)");
  }

  private static JobResult sampleResult() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Job job =
        Job.newBuilder()
            .setId("job-" + UUID.randomUUID())
            .setType("echo")
            .setTenant("demo")
            .setPool("default")
            .setPartitionKey("pk")
            .setAttempt(2)
            .setMaxAttempts(3)
            .setTimeoutMs(30_000)
            .setSubmittedAt(now.minusSeconds(5))
            .setDueAt(now.minusSeconds(5))
            .setLabels(Map.of("team", "it"))
            .build();
    return Lifecycle.result(
        job,
        JobStatus.FAILED,
        null,
        Lifecycle.error("boom", "handler failed", new IllegalStateException(), false),
        now.minusSeconds(1).toEpochMilli(),
        now.toEpochMilli(),
        "worker-1");
  }

  private static String createTopic(int partitions) throws Exception {
    String name = RealKafka.config().topicPrefix() + "smoke";
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return name;
  }

  private static Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, RealKafka.bootstrapServers()));
  }

  private static KafkaProducer<String, String> transactionalProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            RealKafka.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "smoke-" + UUID.randomUUID()),
        new StringSerializer(),
        new StringSerializer());
  }

  private static Map<String, Object> consumerConfig(String group) {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        RealKafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG,
        group,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
        false);
  }

  private static KafkaConsumer<String, String> consumer(String group) {
    return new KafkaConsumer<>(
        consumerConfig(group), new StringDeserializer(), new StringDeserializer());
  }

  private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int count) {
    return pollRecordsUntil(consumer, count).stream().map(ConsumerRecord::value).toList();
  }

  /**
   * Polls until {@code count} records arrived (the consumer is not thread-safe: poll in this
   * thread).
   */
  private static <V> List<ConsumerRecord<String, V>> pollRecordsUntil(
      KafkaConsumer<String, V> consumer, int count) {
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    await("" + count + " records")
        .atMost(Duration.ofSeconds(30))
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(200)).forEach(out::add);
              return out.size() >= count;
            });
    return out;
  }
}

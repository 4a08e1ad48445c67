package dev.runex.monitoring.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.serde.InMemorySchemaRegistry;
import dev.runex.schemas.topics.OutputFormat;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probe's computation over a mock consumer: committed offsets against end offsets, heads read
 * for their due times, completion rate across samples. The real broker is in the launcher's
 * BacklogMetricsIT.
 */
class BacklogProbeTest {
  private static final String TOPIC = "runex.scheduled.gpu";
  private static final String HIGH_TOPIC = "runex.scheduled.gpu.high";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final TopicPartition H0 = new TopicPartition(HIGH_TOPIC, 0);
  private static final PoolPriority GPU = new PoolPriority("gpu", JobPriority.NORMAL);
  private static final PoolPriority GPU_HIGH = new PoolPriority("gpu", JobPriority.HIGH);
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final AtomicLong now = new AtomicLong(T0);
  private final List<String> groupsAsked = new java.util.ArrayList<>();
  private BacklogProbe probe;

  @BeforeEach
  void setUp() {
    consumer.updatePartitions(TOPIC, List.of(partition(TOPIC, 0), partition(TOPIC, 1)));
    consumer.updatePartitions(HIGH_TOPIC, List.of(partition(HIGH_TOPIC, 0)));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L, H0, 0L));
    consumer.updateEndOffsets(Map.of(P0, 0L, P1, 0L, H0, 0L));
    probe =
        new BacklogProbe(
            Map.of(GPU, TOPIC, GPU_HIGH, HIGH_TOPIC),
            pool -> "runex.worker." + pool,
            consumer,
            (group, timeout) -> {
              groupsAsked.add(group);
              return Map.copyOf(committed);
            },
            () -> {},
            // the test's records carry their due time as text
            r -> Long.parseLong(new String(r.value(), StandardCharsets.UTF_8)),
            new BacklogProbe.Options(
                Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMillis(200)),
            clock());
  }

  @AfterEach
  void tearDown() {
    probe.close();
  }

  @Test
  void countsJobsAfterTheCommittedOffsetsAndAgesFromTheOldestDueTime() throws Exception {
    // given: p0 committed at 3 of 8, p1 never committed (2 records from the start), high caught up
    committed.put(P0, 3L);
    committed.put(H0, 0L);
    consumer.updateEndOffsets(Map.of(P0, 8L, P1, 2L, H0, 0L));
    offer(P0, 3, 5, T0 - 40_000);
    offer(P1, 0, 2, T0 - 10_000);

    // when
    probe.sampleOnce();

    // then
    BacklogSample gpu = probe.latest(GPU).orElseThrow();
    assertThat(gpu.waiting()).isEqualTo(7);
    assertThat(gpu.oldestDueMillis()).hasValue(T0 - 40_000);
    assertThat(gpu.oldestAgeSeconds(now.get())).isEqualTo(40.0);
    assertThat(gpu.oldestAgeSeconds(now.get() + 5_000)).isEqualTo(45.0);
    BacklogSample high = probe.latest(GPU_HIGH).orElseThrow();
    assertThat(high.waiting()).isZero();
    assertThat(high.oldestAgeSeconds(now.get())).isZero();
    assertThat(groupsAsked).containsOnly("runex.worker.gpu");
  }

  @Test
  void countBeyondOneFetchIsEstimatedFromOffsets() throws Exception {
    // given: 1,000 waiting, the reader takes only what one poll returns
    consumer.setMaxPollRecords(10);
    consumer.updateEndOffsets(Map.of(P0, 1_000L, P1, 0L, H0, 0L));
    offer(P0, 0, 1_000, T0 - 1_000);

    // when
    probe.sampleOnce();

    // then
    assertThat(probe.latest(GPU).orElseThrow().waiting()).isEqualTo(1_000);
  }

  @Test
  void partitionNotReadInTimeCountsItsOffsetLagWithoutAnAge() throws Exception {
    // given: records that never arrive
    consumer.updateEndOffsets(Map.of(P0, 30L, P1, 0L, H0, 0L));

    // when
    probe.sampleOnce();

    // then
    BacklogSample gpu = probe.latest(GPU).orElseThrow();
    assertThat(gpu.waiting()).isEqualTo(30);
    assertThat(gpu.oldestAgeSeconds(now.get())).isNaN();
  }

  @Test
  void drainTimeIsTheLagAtTheRateTheGroupCommits() throws Exception {
    // given: 100 waiting, none completed yet
    consumer.updateEndOffsets(Map.of(P0, 100L, P1, 0L, H0, 0L));
    committed.put(P0, 0L);
    offer(P0, 0, 100, T0);
    probe.sampleOnce();
    assertThat(probe.latest(GPU).orElseThrow().drainSeconds()).as("no rate yet").isNaN();

    // when: 20 done in 10 s
    now.addAndGet(10_000);
    committed.put(P0, 20L);
    offer(P0, 20, 80, T0);
    probe.sampleOnce();

    // then: 80 left at 2 per second
    assertThat(probe.latest(GPU).orElseThrow().drainSeconds()).isCloseTo(40.0, within(1e-9));

    // when: nothing completes for the next 10 s
    now.addAndGet(10_000);
    offer(P0, 20, 80, T0);
    probe.sampleOnce();

    // then: 20 in the last 20 s
    assertThat(probe.latest(GPU).orElseThrow().drainSeconds()).isCloseTo(80.0, within(1e-9));
  }

  @Test
  void stalledGroupNeverDrains() throws Exception {
    // given
    consumer.updateEndOffsets(Map.of(P0, 5L, P1, 0L, H0, 0L));
    committed.put(P0, 0L);
    offer(P0, 0, 5, T0);
    probe.sampleOnce();

    // when
    now.addAndGet(5_000);
    offer(P0, 0, 5, T0);
    probe.sampleOnce();

    // then
    assertThat(probe.latest(GPU).orElseThrow().drainSeconds()).isInfinite();
  }

  @Test
  void aFailedSampleKeepsTheLastOne() throws Exception {
    // given
    consumer.updateEndOffsets(Map.of(P0, 2L, P1, 0L, H0, 0L));
    offer(P0, 0, 2, T0);
    probe.sampleOnce();

    // when
    consumer.setOffsetsException(
        new org.apache.kafka.common.errors.TimeoutException("broker down"));

    // then
    assertThatThrownBy(probe::sampleOnce).hasMessageContaining("broker down");
    assertThat(probe.latest(GPU).orElseThrow().waiting()).isEqualTo(2);
  }

  @Test
  void probeConsumerReadsCommittedRecordsAndJoinsNoGroup() {
    Map<String, Object> c =
        BacklogProbe.probeConsumerConfig(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                ConsumerConfig.GROUP_ID_CONFIG, "someone's",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"));

    assertThat(c).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
    assertThat(c).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    assertThat(c).containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    assertThat(c).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
  }

  @Test
  void dueTimeComesFromTheJobAndFallsBackToTheRecordTime() {
    // given
    RunexTopics topics =
        new RunexTopics(
            new TopicLayout("runex.", OutputFormat.AVRO, 1, (short) 1, 60_000),
            InMemorySchemaRegistry.named("probe-test"));
    Deserializer<Job> jobs = topics.scheduled("any").valueSerde().deserializer();
    Job job =
        Job.newBuilder()
            .setId("j")
            .setType("echo")
            .setTenant("demo")
            .setPool("gpu")
            .setParams(Map.of())
            .setPartitionKey("j")
            .setAttempt(1)
            .setMaxAttempts(1)
            .setTimeoutMs(1_000)
            .setSubmittedAt(Instant.ofEpochMilli(T0 - 5_000))
            .setDueAt(Instant.ofEpochMilli(T0 - 2_000))
            .build();
    byte[] bytes = topics.scheduled("gpu").valueSerde().serializer().serialize(TOPIC, job);

    // then
    assertThat(BacklogProbe.dueTime(jobs, record(P0, 0, T0, bytes))).isEqualTo(T0 - 2_000);
    assertThat(BacklogProbe.dueTime(jobs, record(P0, 1, T0 - 7, new byte[] {0, 1, 2})))
        .isEqualTo(T0 - 7);
  }

  /** Records {@code n} records from {@code offset}, delivered at the next poll (once assigned). */
  private void offer(TopicPartition tp, long offset, int n, long dueMillis) {
    consumer.schedulePollTask(
        () -> {
          for (int i = 0; i < n; i++) {
            byte[] due = Long.toString(dueMillis).getBytes(StandardCharsets.UTF_8);
            consumer.addRecord(record(tp, offset + i, T0, due));
          }
        });
  }

  private static ConsumerRecord<byte[], byte[]> record(
      TopicPartition tp, long offset, long timestamp, byte[] value) {
    return new ConsumerRecord<>(
        tp.topic(),
        tp.partition(),
        offset,
        timestamp,
        org.apache.kafka.common.record.TimestampType.CREATE_TIME,
        0,
        value.length,
        new byte[0],
        value,
        new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty());
  }

  private static PartitionInfo partition(String topic, int p) {
    return new PartitionInfo(topic, p, null, null, null);
  }

  private Clock clock() {
    return new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }
    };
  }
}

package dev.runex.bench.io;

import dev.runex.launcher.local.TopicProvisioner;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The peer: Confluent's Parallel Consumer on the same broker, written the way its documentation
 * shows a consume → process → produce service: key ordering, {@code concurrency} records at once,
 * and the transactional producer commit mode ({@code PERIODIC_TRANSACTIONAL_PRODUCER}: results and
 * consumed offsets commit together, like runex's worker), committing every {@code commitInterval}.
 * Each record is one job: it sleeps {@code jobMs} on a Parallel Consumer worker thread (the I/O
 * call) and produces a small JSON result under the job's key. It does no validation, events, status
 * or metrics: runex's gap to it is what those cost at this load.
 */
final class ParallelConsumerIo implements IoSubject {
  private static final Duration PROVISION_TIMEOUT = Duration.ofSeconds(60);
  private static final byte[] RESULT =
      "{\"status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);

  private final String bootstrapServers;
  private final String prefix;
  private final int partitions;
  private final int concurrency;
  private final int jobMs;
  private final Duration commitInterval;
  private ParallelStreamProcessor<byte[], byte[]> processor;

  ParallelConsumerIo(
      String bootstrapServers,
      String prefix,
      int partitions,
      int concurrency,
      int jobMs,
      Duration commitInterval) {
    this.bootstrapServers = bootstrapServers;
    this.prefix = prefix;
    this.partitions = partitions;
    this.concurrency = concurrency;
    this.jobMs = jobMs;
    this.commitInterval = commitInterval;
  }

  @Override
  public String name() {
    return "Parallel Consumer";
  }

  @Override
  public String intakeTopic() {
    return prefix + "intake";
  }

  @Override
  public String resultsTopic() {
    return prefix + "results";
  }

  @Override
  public void provision() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      TopicProvisioner.ensureTopics(
          admin,
          List.of(
              new NewTopic(intakeTopic(), partitions, (short) 1),
              new NewTopic(resultsTopic(), partitions, (short) 1)),
          PROVISION_TIMEOUT);
    }
  }

  @Override
  public void start() {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                prefix + "pc",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                prefix + "pc-tx",
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    ParallelConsumerOptions<byte[], byte[]> options =
        ParallelConsumerOptions.<byte[], byte[]>builder()
            .consumer(consumer)
            .producer(producer)
            .ordering(ProcessingOrder.KEY)
            .maxConcurrency(concurrency)
            .commitMode(CommitMode.PERIODIC_TRANSACTIONAL_PRODUCER)
            .commitInterval(commitInterval)
            // Its check that auto-commit is off reads the consumer's private fields, which Kafka
            // 4's consumer no longer has; auto-commit is off above.
            .ignoreReflectiveAccessExceptionsForAutoCommitDisabledCheck(true)
            .build();
    processor = ParallelStreamProcessor.createEosStreamProcessor(options);
    processor.subscribe(List.of(intakeTopic()));
    String results = resultsTopic();
    processor.pollAndProduce(
        context -> {
          sleep(jobMs);
          return new ProducerRecord<>(results, context.key(), RESULT);
        });
  }

  private static void sleep(int ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running a job", e);
    }
  }

  /** A failed Parallel Consumer explains missing results better than the timeout does. */
  boolean failed() {
    return processor != null && processor.isClosedOrFailed();
  }

  @Override
  public boolean succeeded(byte[] resultValue) {
    return true;
  }

  @Override
  public void close() {
    if (processor != null) {
      processor.closeDontDrainFirst(Duration.ofSeconds(30));
      processor = null;
    }
  }
}

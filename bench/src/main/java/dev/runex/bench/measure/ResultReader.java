package dev.runex.bench.measure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a results topic as a downstream user does (read_committed, every partition from the
 * beginning, no group) on its own thread and hands each record to a {@link ResultSink}, stamped
 * with the {@link System#nanoTime()} at which its poll returned. The sink runs on the reader thread
 * only; what it gathers is safe to read after {@link #close()} (idempotent).
 */
public final class ResultReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultReader.class);

  /** Receives each result: its job id, whether it reports success, and when it was read. */
  @FunctionalInterface
  public interface ResultSink {
    void accept(String jobId, boolean succeeded, long readNanos);
  }

  /** Receives each result record: its job id, its value (null for none), and when it was read. */
  @FunctionalInterface
  public interface RecordSink {
    void accept(String jobId, byte[] value, long readNanos);
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RecordSink sink;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean closed;

  /** Assigns and positions the consumer now, so nothing written after this call can be missed. */
  public ResultReader(
      String bootstrapServers, String topic, Predicate<byte[]> succeeded, ResultSink sink) {
    this(
        bootstrapServers,
        topic,
        (id, value, readNanos) ->
            sink.accept(id, value != null && succeeded.test(value), readNanos));
  }

  /** The same, handing over each record's value as it is. */
  public ResultReader(String bootstrapServers, String topic, RecordSink sink) {
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    partitions.forEach(consumer::position); // resolve the positions before anything is produced
    this.sink = sink;
    this.thread = new Thread(this::run, "bench-results-" + topic);
  }

  public ResultReader start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          String id = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
          sink.accept(id, r.value(), now);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("Result reader stopped: {}", e.toString());
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      return;
    }
    running = false;
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

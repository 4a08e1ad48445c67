package dev.runex.bench.subject;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exactly-once hop of the bare chain, on its own thread: a read_committed consumer of {@code
 * in} and a transactional producer writing, for each consumed record, what its {@link Output} says
 * (the plain chain: the same key and bytes to the next topic). Like Kafka Streams under
 * exactly_once_v2, it keeps one transaction open across polls and commits it — consumed offsets
 * included, via {@code sendOffsetsToTransaction} — once per commit interval; it never waits longer
 * in poll than the time left to the next commit. Any error stops the hop (the benchmark then
 * reports missing results rather than hanging).
 */
final class TransactionalHop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionalHop.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * What a hop writes for one consumed record: zero or more records, all inside the hop's
   * transaction.
   */
  @FunctionalInterface
  interface Output {
    void write(
        ConsumerRecord<byte[], byte[]> consumed, Consumer<ProducerRecord<byte[], byte[]>> send);
  }

  /** The plain chain's hop: the consumed key and bytes, unchanged, to {@code out}. */
  static Output forwardTo(String out) {
    return (r, send) -> send.accept(new ProducerRecord<>(out, r.key(), r.value()));
  }

  private final String in;
  private final Output output;
  private final Consumer<ProducerRecord<byte[], byte[]>> send;
  private final long intervalNanos;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean open;

  TransactionalHop(
      String bootstrapServers, String in, Output output, String id, Duration commitInterval) {
    this.in = in;
    this.output = output;
    this.intervalNanos = commitInterval.toNanos();
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                id,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.ACKS_CONFIG, "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.send = producer::send;
    this.thread = new Thread(this::run, "bench-" + id);
  }

  void start() {
    thread.start();
  }

  private void run() {
    try {
      producer.initTransactions();
      consumer.subscribe(List.of(in), new CommitOnRevoke());
      long nextCommit = System.nanoTime() + intervalNanos;
      while (running) {
        long waitMillis = Math.max(0, (nextCommit - System.nanoTime()) / 1_000_000);
        forward(consumer.poll(Duration.ofMillis(waitMillis)));
        if (System.nanoTime() - nextCommit >= 0) {
          commit();
          nextCommit = System.nanoTime() + intervalNanos;
        }
      }
      commit();
    } catch (WakeupException e) {
      abortQuietly(); // closing: whatever is uncommitted is redone by the next owner, as in any EOS
      // app
    } catch (RuntimeException e) {
      log.error("Bare-chain hop {} (from {}) stopped: {}", thread.getName(), in, e.toString());
      abortQuietly();
    } finally {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      producer.close(CLOSE_TIMEOUT);
    }
  }

  private void forward(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) {
      return;
    }
    if (!open) {
      producer.beginTransaction();
      open = true;
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      output.write(r, send);
      pending.put(
          new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
  }

  private void commit() {
    if (!open) {
      return;
    }
    producer.sendOffsetsToTransaction(Map.copyOf(pending), consumer.groupMetadata());
    producer.commitTransaction();
    pending.clear();
    open = false;
  }

  private void abortQuietly() {
    if (!open) {
      return;
    }
    try {
      producer.abortTransaction();
    } catch (RuntimeException e) {
      log.debug("Abort after failure failed too: {}", e.toString());
    }
    pending.clear();
    open = false;
  }

  /** Stops the hop, committing what it forwarded; waits for its thread. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(CLOSE_TIMEOUT.toMillis());
      if (thread.isAlive()) {
        consumer.wakeup(); // stuck in a broker call: interrupt the poll and give up the open
        // transaction
        thread.join(2 * CLOSE_TIMEOUT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Partitions leaving this hop take their forwarded records and offsets along in one commit. */
  private final class CommitOnRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commit();
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // nothing to restore: positions come from the group's committed offsets
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      abortQuietly(); // the partitions already belong to someone else: committing would be fenced
    }
  }
}

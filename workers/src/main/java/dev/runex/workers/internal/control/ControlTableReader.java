package dev.runex.workers.internal.control;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole compacted {@code control} topic (key: target, value: {@link ControlCommand}) into
 * a {@link ControlTable}, from the beginning, and keeps following it — on a daemon thread of its
 * own, with its own consumer: no group (every worker needs every command), read_committed, nothing
 * committed. The table is marked caught up once every partition has been read to the end offsets
 * seen at start; after that, whenever the poll loop asks for a fresher table, the reader asks for
 * the end offsets again, reads up to them and marks the table fresh as of the moment it asked. A
 * command that cannot be decoded is skipped with a warning: an operator typo must not stop the
 * worker.
 *
 * <p>The end offsets are asked on a second client that never fetches ({@code ends}): a broker
 * answers one connection's requests in order, so a ListOffsets request sent on the following
 * consumer's connection waits behind its long-polling fetch (up to {@code fetch.max.wait.ms}, 500
 * ms by default) — and every job fetched meanwhile waits with it.
 */
public final class ControlTableReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlTableReader.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(2);

  private final Consumer<String, byte[]> consumer;
  private final Consumer<?, ?> ends;
  private final String topic;
  private final Deserializer<ControlCommand> values;
  private final ControlTable table;
  private final Thread thread;
  private volatile boolean closed;
  private volatile Throwable failure;

  /**
   * @param consumer follows the topic (assigned here, never subscribed)
   * @param ends asks for the topic's end offsets only, from the reader's thread; the same instance
   *     as {@code consumer} only where no fetch can hold its requests back (tests)
   */
  public ControlTableReader(
      Consumer<String, byte[]> consumer,
      Consumer<?, ?> ends,
      String topic,
      Deserializer<ControlCommand> values,
      ControlTable table) {
    this.consumer = consumer;
    this.ends = ends;
    this.topic = topic;
    this.values = values;
    this.table = table;
    this.thread = new Thread(this::run, "runex-control-reader");
    thread.setDaemon(true);
  }

  /**
   * The reader's consumer settings: no group, read_committed, the pass-through of {@code
   * runex.kafka.consumer.*}.
   */
  public static Map<String, Object> consumerConfig(RunexConfig cfg, String workerId) {
    return clientConfig(cfg, "runex-control-" + workerId);
  }

  /**
   * The settings of the client that asks for end offsets: as {@link #consumerConfig}, under a
   * client id of its own.
   */
  public static Map<String, Object> endsConsumerConfig(RunexConfig cfg, String workerId) {
    return clientConfig(cfg, "runex-control-ends-" + workerId);
  }

  private static Map<String, Object> clientConfig(RunexConfig cfg, String clientId) {
    Map<String, Object> base = new HashMap<>();
    base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    base.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    Map<String, Object> merged = new HashMap<>(cfg.kafka().consumer(base));
    merged.remove(ConsumerConfig.GROUP_ID_CONFIG);
    merged.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    merged.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    merged.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    merged.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return merged;
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        log.warn(
            "control topic {} has no partitions: pause, resume and cancel will not reach this worker",
            topic);
        table.markAlwaysFresh();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long startedAt = System.nanoTime();
      Map<TopicPartition, Long> endsAtStart = ends.endOffsets(partitions);
      while (!closed && !table.isCaughtUp()) {
        pollOnce();
        if (reachedEnds(endsAtStart)) {
          table.markFreshAsOf(startedAt);
          table.markCaughtUp();
          log.info("control table caught up with {}", topic);
        }
      }
      while (!closed) {
        try {
          if (table.freshnessWanted()) {
            refresh(partitions);
          } else {
            waitForRecords();
          }
        } catch (WakeupException e) {
          // a request for freshness, or closing: the loop's condition tells which
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        failure = e;
        table.markAlwaysFresh(); // nobody can make it fresher: jobs must not wait for it
        log.error(
            "reading control topic {} failed; this worker no longer learns about pause, resume and cancel",
            topic,
            e);
      }
    } finally {
      closeClients();
    }
  }

  private void closeClients() {
    consumer.close();
    if (ends != consumer) {
      ends.close();
    }
  }

  /**
   * Reads the topic up to its end offsets as of now (one ListOffsets request on the ends client,
   * and a fetch when there is something new), then says the table is fresh as of the moment before
   * the request.
   */
  private void refresh(List<TopicPartition> partitions) throws InterruptedException {
    long startedAt = System.nanoTime();
    Map<TopicPartition, Long> now = ends.endOffsets(partitions);
    while (!closed && !reachedEnds(now)) {
      pollOnce(); // new commands: the following consumer's fetch returns with them
    }
    table.markFreshAsOf(startedAt);
  }

  /** A long poll for new commands, which a request for freshness cuts short. */
  private void waitForRecords() throws InterruptedException {
    table.readerIdle(true, consumer::wakeup);
    try {
      if (!table.freshnessWanted()) { // asked for between the loop's check and readerIdle
        pollOnce();
      }
    } finally {
      table.readerIdle(false, consumer::wakeup);
    }
  }

  private void pollOnce() throws InterruptedException {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
      if (!apply(r)) {
        // registry down: read this record again after a pause rather than lose a command
        consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
        Thread.sleep(RETRY_BACKOFF.toMillis());
        return;
      }
    }
  }

  /**
   * Why the reader stopped following the topic by itself, if it did: the worker no longer learns
   * about pause, resume and cancel, which only a restart repairs.
   */
  public java.util.Optional<Throwable> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  /** False when the schema registry is unavailable and the record must be read again. */
  private boolean apply(ConsumerRecord<String, byte[]> r) {
    try {
      table.apply(r.key(), r.value() == null ? null : values.deserialize(r.topic(), r.value()));
    } catch (SchemaRegistryUnavailableException e) {
      log.warn(
          "schema registry unavailable while reading control record {}-{}@{}; retrying in {}",
          r.topic(),
          r.partition(),
          r.offset(),
          RETRY_BACKOFF);
      return false;
    } catch (RuntimeException e) {
      log.warn(
          "skipping unreadable control record {}-{}@{} (key {}): {}",
          r.topic(),
          r.partition(),
          r.offset(),
          r.key(),
          e.toString());
    }
    return true;
  }

  private boolean reachedEnds(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    if (!thread.isAlive()) {
      closeClients();
      return;
    }
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.runex.gateway.follow;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one topic on a daemon thread of its own: a group-less read_committed consumer, starting
 * where {@link Start} says, handing every record to a handler. Caught up once it has read to the
 * end offsets it saw at start. A record the handler cannot take is logged and skipped: one bad
 * record must not blind the console.
 */
public final class TopicFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);

  /** Where to start reading. */
  public sealed interface Start {
    /** From the oldest record kept. */
    record Beginning() implements Start {}

    /** From records written after the follower started. */
    record End() implements Start {}

    /** From the first record written at most {@code ago} ago. */
    record Since(Duration ago) implements Start {}
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile long lastPollAt = System.currentTimeMillis();
  private volatile Map<TopicPartition, Long> positions = Map.of();

  public TopicFollower(
      RunexConfig cfg,
      String topic,
      Start start,
      String clientId,
      Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    this.topic = topic;
    this.handler = handler;
    this.consumer = Clients.unassigned(cfg, clientId);
    Map<TopicPartition, Long> ends;
    try {
      List<TopicPartition> parts = Clients.partitions(consumer, cfg, topic);
      consumer.assign(parts);
      ends = position(parts, start);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    Map<TopicPartition, Long> startEnds = ends;
    this.thread = new Thread(() -> run(startEnds), "runex-gateway-" + clientId);
    thread.setDaemon(true);
  }

  private Map<TopicPartition, Long> position(List<TopicPartition> parts, Start start) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
    if (start instanceof Start.Beginning) {
      consumer.seekToBeginning(parts);
    } else if (start instanceof Start.End) {
      consumer.seekToEnd(parts);
    } else if (start instanceof Start.Since s) {
      long from = System.currentTimeMillis() - s.ago().toMillis();
      Map<TopicPartition, Long> query = new HashMap<>();
      parts.forEach(p -> query.put(p, from));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
      for (TopicPartition p : parts) {
        OffsetAndTimestamp o = found.get(p);
        consumer.seek(p, o == null ? ends.get(p) : o.offset());
      }
    }
    parts.forEach(consumer::position); // resolve now: later writes are seen
    return ends;
  }

  public TopicFollower start() {
    thread.start();
    return this;
  }

  public String topic() {
    return topic;
  }

  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** True when the thread is running and polled within the last {@code within}. */
  public boolean isAlive(Duration within) {
    return thread.isAlive() && System.currentTimeMillis() - lastPollAt < within.toMillis();
  }

  /**
   * Whether the follower has read (handed to its handler) every record before {@code offsets}, as
   * of its last poll. Partitions it does not follow (added to the topic after it started) count as
   * read; before its first poll only empty partitions do.
   */
  public boolean hasRead(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> at = positions;
    for (Map.Entry<TopicPartition, Long> o : offsets.entrySet()) {
      Long p = at.get(o.getKey());
      long read = p != null ? p : at.isEmpty() ? 0 : Long.MAX_VALUE;
      if (read < o.getValue()) {
        return false;
      }
    }
    return true;
  }

  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run(Map<TopicPartition, Long> ends) {
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            handler.accept(r);
          } catch (RuntimeException e) {
            log.warn(
                "skipping unreadable record {}-{}@{}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                e.toString());
          }
        }
        lastPollAt = System.currentTimeMillis();
        Map<TopicPartition, Long> now = new HashMap<>();
        for (TopicPartition p : consumer.assignment()) {
          now.put(p, consumer.position(p));
        }
        positions = now;
        if (caughtUp.getCount() > 0 && reached(ends)) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException | InterruptException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        log.error("following {} failed; the console no longer sees it", topic, e);
      }
    } finally {
      consumer.close();
    }
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Decodes records with {@code decode} before {@code handler} sees them. */
  public static <T> Consumer<ConsumerRecord<byte[], byte[]>> decoded(
      Function<ConsumerRecord<byte[], byte[]>, T> decode, Consumer<T> handler) {
    return r -> handler.accept(decode.apply(r));
  }

  @Override
  public void close() {
    closed = true;
    if (!thread.isAlive()) {
      consumer.close();
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

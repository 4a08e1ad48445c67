package dev.runex.bench.scaling;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * When each result became visible to a read_committed reader ({@link System#nanoTime()}), from a
 * thread of its own: steady drain rates and the longest pause between results.
 */
final class ResultClock implements AutoCloseable {
  private final List<Long> arrivals = new ArrayList<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  ResultClock(RunexConfig cfg, RunexTopics topics) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cfg.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    String name = topics.results().name();
    List<TopicPartition> parts =
        consumer.partitionsFor(name).stream()
            .map(p -> new TopicPartition(name, p.partition()))
            .toList();
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    thread = new Thread(this::run, "result-clock");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        int n = consumer.poll(Duration.ofMillis(50)).count();
        if (n > 0) {
          long now = System.nanoTime();
          synchronized (arrivals) {
            for (int i = 0; i < n; i++) {
              arrivals.add(now);
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close();
    }
  }

  int count() {
    synchronized (arrivals) {
      return arrivals.size();
    }
  }

  void awaitCount(int n, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (count() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + count() + " of " + n + " results in " + atMost);
      }
      ScalingBench.sleepQuietly(50);
    }
  }

  /** Results per second between the 10th and the 90th percentile of {@code total} results. */
  double steadyRate(int total) {
    synchronized (arrivals) {
      long from = arrivals.get(total / 10);
      long to = arrivals.get(total * 9 / 10 - 1);
      return (total * 0.8) / ((to - from) / 1e9);
    }
  }

  /** The longest time without a new result between {@code fromNanos} and {@code toNanos}, ms. */
  long longestGapMs(long fromNanos, long toNanos) {
    long longest = 0;
    long previous = fromNanos;
    synchronized (arrivals) {
      for (long t : arrivals) {
        if (t < fromNanos || t > toNanos) {
          continue;
        }
        longest = Math.max(longest, t - previous);
        previous = t;
      }
    }
    longest = Math.max(longest, toNanos - previous);
    return longest / 1_000_000;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

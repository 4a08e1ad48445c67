package dev.runex.bench.torture;

import dev.runex.schemas.JobResult;
import dev.runex.schemas.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Follows the results topic (read_committed) while the run goes on, noting when each job's first
 * result became visible: what the recovery times are measured from, and how the drain is watched.
 */
final class ResultWatch implements AutoCloseable {
  final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  ResultWatch(String bootstrap, Topic<String, JobResult> topic) {
    thread =
        new Thread(
            () -> {
              try (KafkaConsumer<String, JobResult> c = TopicReads.fromStart(bootstrap, topic)) {
                while (!stop.get()) {
                  for (ConsumerRecord<String, JobResult> r : c.poll(Duration.ofMillis(200))) {
                    firstSeenNanos.putIfAbsent(r.key(), System.nanoTime());
                  }
                }
              }
            },
            "torture-results");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(10_000);
  }
}

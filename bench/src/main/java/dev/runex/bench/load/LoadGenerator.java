package dev.runex.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes jobs to an intake topic the way an ordinary client does (plain idempotent producer,
 * acks=all, key = job id): either a backlog as fast as possible, or a paced stream whose send times
 * follow a fixed schedule derived from {@link System#nanoTime()} — a late send never shifts the
 * later ones, so the offered rate does not drift and lateness is measured, not hidden.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final byte[] value;
  private final Set<Integer> failedSeqs = ConcurrentHashMap.newKeySet();

  public LoadGenerator(String bootstrapServers, String topic, byte[] value) {
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                1,
                ProducerConfig.BATCH_SIZE_CONFIG,
                65_536),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.topic = topic;
    this.value = value;
  }

  /**
   * Sends jobs {@code tag-0 .. tag-(n-1)} and returns once the broker has acknowledged all of them.
   */
  public void preload(String tag, int n) {
    for (int seq = 0; seq < n; seq++) {
      send(tag, seq);
    }
    producer.flush();
  }

  /**
   * Like {@link #preload}, with {@code perJob} bad records after each job (keys {@code
   * garbage-<seq>-<k>}), taken in turn from {@code garbage}.
   */
  public void preloadWithGarbage(String tag, int n, List<byte[]> garbage, int perJob) {
    int g = 0;
    for (int seq = 0; seq < n; seq++) {
      send(tag, seq);
      for (int k = 0; k < perJob; k++) {
        byte[] key = ("garbage-" + seq + "-" + k).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, garbage.get(g++ % garbage.size())));
      }
    }
    producer.flush();
  }

  /** Sends the single job {@code tag-seq} and waits for its acknowledgement. */
  public void sendNow(String tag, int seq) {
    send(tag, seq);
    producer.flush();
  }

  /**
   * Sends jobs {@code tag-0 .. tag-(count-1)} at {@code rate} per second: job i is due at {@code
   * start + i / rate}. Before sending job i it stores that due time (nanoTime) in {@code
   * dueNanos[i]}, so latency can be measured from when the job should have been sent.
   *
   * @return how late the latest send was, behind its due time
   */
  public Duration paced(String tag, int count, int rate, AtomicLongArray dueNanos) {
    double periodNanos = 1e9 / rate;
    long start = System.nanoTime();
    long maxLate = 0;
    int seq = 0;
    while (seq < count) {
      long now = System.nanoTime();
      long due = start + (long) (seq * periodNanos);
      if (now < due) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      // Everything due by now goes out in one burst, so a slow moment is caught up, not skipped.
      while (seq < count && start + (long) (seq * periodNanos) <= now) {
        long jobDue = start + (long) (seq * periodNanos);
        dueNanos.set(seq, jobDue);
        maxLate = Math.max(maxLate, System.nanoTime() - jobDue);
        send(tag, seq);
        seq++;
      }
    }
    producer.flush();
    return Duration.ofNanos(maxLate);
  }

  /**
   * Sequence numbers of the jobs the broker refused: none of them will ever have a result. Complete
   * once the sending call has returned (each flushes).
   */
  public Set<Integer> failedSends() {
    return Set.copyOf(failedSeqs);
  }

  private void send(String tag, int seq) {
    byte[] key = JobPayload.id(tag, seq).getBytes(StandardCharsets.UTF_8);
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, e) -> {
          if (e != null && failedSeqs.add(seq) && failedSeqs.size() == 1) {
            log.warn(
                "Intake send of job {} failed (further failures only counted): {}",
                JobPayload.id(tag, seq),
                e.toString());
          }
        });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}

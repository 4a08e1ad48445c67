package dev.runex.bench.torture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The steady mixed load: JSON requests on the intake topic at a fixed rate, each of a known kind
 * (its id says which), until stopped. A job counts as submitted once the broker acknowledged it
 * ({@link #accepted}); one whose send failed is noted apart and not expected to run.
 */
final class Load implements AutoCloseable {
  /** What a job is meant to do, hence what its one result must be. */
  enum Kind {
    QUICK,
    SLOW,
    FLAKY,
    BROKEN,
    DELAYED,
    PROCESS,
    DUPLICATE
  }

  /** A delayed job's delay: it must not start sooner after its submission. */
  static final Duration DELAY = Duration.ofSeconds(3);

  /** A submitted job: its kind, the failures planned for it (flaky), when it was acknowledged. */
  record Submitted(
      String id, Kind kind, int plannedFailures, String idempotencyKey, long atNanos) {}

  private final KafkaProducer<byte[], byte[]> producer;
  private final String intake;
  private final String prefix;
  private final Random random;
  final Map<String, Submitted> accepted = new ConcurrentHashMap<>();
  final Map<String, String> sendFailures = new ConcurrentHashMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private int seq;

  Load(String bootstrap, String intake, String prefix, long seed) {
    this.intake = intake;
    this.prefix = prefix;
    this.random = new Random(seed);
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  /**
   * Submits {@code perSecond} jobs a second until {@code untilNanos} or {@link #stop} (call from
   * its own thread).
   */
  void run(int perSecond, long untilNanos) {
    long start = System.nanoTime();
    long n = 0;
    while (!stop.get() && System.nanoTime() < untilNanos) {
      submitOne();
      n++;
      long wait = start + n * 1_000_000_000L / perSecond - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000); // pacing the load
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    producer.flush();
  }

  void stop() {
    stop.set(true);
  }

  private void submitOne() {
    int roll = random.nextInt(100);
    Kind kind =
        roll < 35
            ? Kind.QUICK
            : roll < 45
                ? Kind.SLOW
                : roll < 60
                    ? Kind.FLAKY
                    : roll < 70
                        ? Kind.BROKEN
                        : roll < 80 ? Kind.DELAYED : roll < 90 ? Kind.PROCESS : Kind.DUPLICATE;
    String id = prefix + kind.name().toLowerCase() + "-" + (++seq);
    switch (kind) {
      case QUICK -> send(id, kind, 0, null, json("quick", "{}", ""));
      case SLOW -> send(id, kind, 0, null, json("slow", "{}", ""));
      case FLAKY -> {
        int k = 1 + random.nextInt(2);
        send(id, kind, k, null, json("flaky", "{\"k\":" + k + "}", ""));
      }
      case BROKEN -> send(id, kind, 0, null, json("broken", "{}", ""));
      case DELAYED ->
          send(id, kind, 0, null, json("quick", "{}", ",\"delay\":\"" + DELAY.toMillis() + "ms\""));
      case PROCESS -> send(id, kind, 0, null, json("hello", "{\"name\":\"t" + seq + "\"}", ""));
      case DUPLICATE -> {
        String key = id + "-key";
        String body = json("quick", "{}", ",\"idempotencyKey\":\"" + key + "\"");
        send(id + "-a", kind, 0, key, body);
        send(id + "-b", kind, 0, key, body);
      }
    }
  }

  /** A quick job that is not part of the audited load: proves the stack runs before the load. */
  void warmup(String id) {
    producer.send(
        new ProducerRecord<>(
            intake,
            id.getBytes(StandardCharsets.UTF_8),
            json("quick", "{}", "").getBytes(StandardCharsets.UTF_8)));
    producer.flush();
  }

  private static String json(String type, String params, String extra) {
    return "{\"type\":\"" + type + "\",\"tenant\":\"demo\",\"params\":" + params + extra + "}";
  }

  private void send(String id, Kind kind, int failures, String key, String json) {
    producer.send(
        new ProducerRecord<>(
            intake, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)),
        (meta, error) -> {
          if (error == null) {
            accepted.put(id, new Submitted(id, kind, failures, key, System.nanoTime()));
          } else {
            sendFailures.put(id, error.toString());
          }
        });
  }

  @Override
  public void close() {
    producer.close();
  }
}

package dev.runex.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Raw Kafka client settings passed through unchanged: {@code runex.kafka.common.*} apply to every
 * client (security, for instance), then {@code runex.kafka.producer.*}, {@code .consumer.*}, {@code
 * .admin.*} and {@code .streams.*} to that client only.
 */
public record KafkaOverrides(
    Map<String, String> common,
    Map<String, String> producer,
    Map<String, String> consumer,
    Map<String, String> admin,
    Map<String, String> streams) {

  /**
   * {@code retry.backoff.ms} of runex's transactional producers (the worker's and Kafka Streams').
   * A transaction's first records or offsets can reach the broker while it is still completing the
   * previous commit; it answers {@code CONCURRENT_TRANSACTIONS} and the client asks again after
   * this back-off (Kafka's default: 100 ms), which every job in that transaction then waits on top
   * of the commit. Retries back off exponentially from here up to {@code retry.backoff.max.ms} (1
   * s), so a broker that is truly away is not asked more often than with the default.
   */
  public static final int TRANSACTION_RETRY_BACKOFF_MS = 10;

  public static final KafkaOverrides NONE =
      new KafkaOverrides(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

  public KafkaOverrides {
    common = Map.copyOf(common);
    producer = Map.copyOf(producer);
    consumer = Map.copyOf(consumer);
    admin = Map.copyOf(admin);
    streams = Map.copyOf(streams);
  }

  public Map<String, Object> producer(Map<String, Object> base) {
    return merge(base, producer);
  }

  public Map<String, Object> consumer(Map<String, Object> base) {
    return merge(base, consumer);
  }

  public Map<String, Object> admin(Map<String, Object> base) {
    return merge(base, admin);
  }

  public Map<String, Object> streams(Map<String, Object> base) {
    return merge(base, streams);
  }

  private Map<String, Object> merge(Map<String, Object> base, Map<String, String> specific) {
    Map<String, Object> out = new HashMap<>(base);
    out.putAll(common);
    out.putAll(specific);
    return out;
  }
}

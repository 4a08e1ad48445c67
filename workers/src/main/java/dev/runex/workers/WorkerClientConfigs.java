package dev.runex.workers;

import dev.runex.config.KafkaOverrides;
import dev.runex.config.RunexConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Kafka client settings: runex's own, then the {@code runex.kafka.common/consumer/
 * producer} pass-through, then the few settings exactly-once depends on, which win over the
 * pass-through (read_committed, no auto-commit, idempotent transactional producer with acks=all).
 */
final class WorkerClientConfigs {
  private static final Logger log = LoggerFactory.getLogger(WorkerClientConfigs.class);

  /** The longest fetch wait: an idle consumer then asks the broker ~10 times a second. */
  static final Duration FETCH_MAX_WAIT = Duration.ofMillis(100);

  private WorkerClientConfigs() {}

  static Map<String, Object> consumer(RunexConfig cfg, WorkerSettings s) {
    Map<String, Object> base = new HashMap<>();
    base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    base.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
    base.put(ConsumerConfig.CLIENT_ID_CONFIG, "runex-worker-" + s.workerId());
    base.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) s.sessionTimeout().toMillis());
    // a new group must not skip jobs scheduled before its first worker started
    base.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The broker holds a fetch with no data for up to this long, and a partition resumed after
    // flow control paused it is fetched only with the next request: the default 500 ms held a
    // resumed partition's jobs back by up to that much. No more than the commit interval.
    base.put(
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        (int) Math.min(FETCH_MAX_WAIT.toMillis(), s.commitInterval().toMillis()));
    Map<String, Object> merged = cfg.kafka().consumer(base);
    enforce(merged, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    enforce(merged, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (s.staticMembership()) {
      merged.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, s.workerId());
    }
    if ("consumer"
        .equals(
            String.valueOf(merged.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG))
                .toLowerCase(Locale.ROOT))) {
      // the KIP-848 protocol takes the session timeout from the broker and rejects the client
      // setting
      merged.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
      // A pool's priority topics are consumed together. The broker's default assignor (uniform)
      // balances the count of partitions over all of them, so one worker may get every partition of
      // the normal priority and the others only high and low ones: adding workers then adds nothing
      // for a normal-priority backlog. The range assignor spreads each topic over the members.
      merged.putIfAbsent(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range");
    }
    return merged;
  }

  static Map<String, Object> producer(RunexConfig cfg, WorkerSettings s) {
    Map<String, Object> base = new HashMap<>();
    base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    base.put(ProducerConfig.CLIENT_ID_CONFIG, "runex-worker-" + s.workerId() + "-producer");
    base.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) s.transactionTimeout().toMillis());
    // Outputs are invisible until the transaction commits, and the commit flushes: lingering up to
    // the commit interval costs no latency and sends few large batches instead of many small ones.
    base.put(ProducerConfig.LINGER_MS_CONFIG, (int) s.commitInterval().toMillis());
    base.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    base.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, KafkaOverrides.TRANSACTION_RETRY_BACKOFF_MS);
    Map<String, Object> merged = cfg.kafka().producer(base);
    enforce(merged, ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.transactionalId());
    enforce(merged, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    enforce(merged, ProducerConfig.ACKS_CONFIG, "all");
    return merged;
  }

  private static void enforce(Map<String, Object> config, String key, String value) {
    Object previous = config.put(key, value);
    if (previous != null && !String.valueOf(previous).equalsIgnoreCase(value)) {
      log.warn(
          "ignoring {}={} from runex.kafka.*: the worker's exactly-once guarantee needs {}",
          key,
          previous,
          value);
    }
  }
}

package dev.runex.topology.cron;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schedules topic in line with the schedules declared under {@code runex.schedules}
 * before the topology starts: a declared schedule that is missing or different is written (origin
 * {@code config}), and a config schedule no longer declared is deleted (tombstone). Schedules
 * written at runtime (origin {@code runtime}) are left alone. The topic then is the one source of
 * the schedules the topology fires.
 */
public final class ConfigSchedules {
  private static final Logger log = LoggerFactory.getLogger(ConfigSchedules.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private ConfigSchedules() {}

  public static void reconcile(RunexConfig cfg, RunexTopics topics) {
    Topic<String, Schedule> topic = topics.schedules();
    Map<String, Schedule> current = current(cfg, topics);
    Map<String, Schedule> declared = new HashMap<>();
    cfg.schedules()
        .values()
        .forEach(spec -> declared.put(spec.name(), ScheduledJobs.fromConfig(spec)));
    try (KafkaProducer<String, Schedule> producer =
        new KafkaProducer<>(
            cfg.kafka()
                .producer(
                    Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.CLIENT_ID_CONFIG, "runex-config-schedules")),
            new StringSerializer(),
            topic.valueSerde().serializer())) {
      List<Future<?>> sent = new ArrayList<>();
      declared.forEach(
          (name, schedule) -> {
            if (!schedule.equals(current.get(name))) {
              sent.add(producer.send(new ProducerRecord<>(topic.name(), name, schedule)));
              log.info("Schedule {} from the config written to {}", name, topic.name());
            }
          });
      current.forEach(
          (name, schedule) -> {
            if (ScheduledJobs.ORIGIN_CONFIG.equals(schedule.getOrigin())
                && !declared.containsKey(name)) {
              sent.add(producer.send(new ProducerRecord<>(topic.name(), name, null)));
              log.info(
                  "Schedule {} is no longer in the config: deleted from {}", name, topic.name());
            }
          });
      for (Future<?> f : sent) {
        await(f, topic.name());
      }
    }
  }

  private static void await(Future<?> f, String topic) {
    try {
      f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot write the config's schedules to " + topic + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing schedules to " + topic, e);
    }
  }

  /**
   * The current schedules on the topic (the latest value per name; tombstones delete; unreadable
   * ones skipped).
   */
  public static Map<String, Schedule> current(RunexConfig cfg, RunexTopics topics) {
    Topic<String, Schedule> topic = topics.schedules();
    Map<String, Schedule> out = new java.util.TreeMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            cfg.kafka()
                .consumer(
                    Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cfg.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "runex-config-schedules")),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "topic " + topic.name() + " does not exist (it is created with the others)");
      }
      List<TopicPartition> parts =
          infos.stream().map(i -> new TopicPartition(topic.name(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (parts.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading " + topic.name());
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(out, topic, r);
        }
      }
    }
    return out;
  }

  private static void apply(
      Map<String, Schedule> out, Topic<String, Schedule> topic, ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      out.remove(r.key());
      return;
    }
    try {
      Schedule schedule = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
      schedule.setName(r.key());
      out.put(r.key(), schedule);
    } catch (RuntimeException e) {
      log.debug("Skipping unreadable schedule {}: {}", r.key(), e.getMessage());
    }
  }
}

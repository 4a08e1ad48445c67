package dev.runex.gateway.deadletter;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every dead letter currently in the topic, up to the end offsets at start (the CLI's way).
 */
public final class DeadLetterReader {
  private DeadLetterReader() {}

  public static List<DeadLetterEntry> readAll(RunexConfig cfg, RunexTopics topics) {
    List<DeadLetterEntry> out = new ArrayList<>();
    RecordText text = new RecordText(topics.registry());
    try (KafkaConsumer<byte[], byte[]> c = Clients.reader(cfg, topics.deadLetter().name(), true)) {
      Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(new DeadLetterEntry(r.partition(), r.offset(), r.key(), text.toJson(r.value())));
        }
      }
    }
    return out;
  }
}

package dev.runex.gateway.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.kafka.Clients;
import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.topics.RunexTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Finds a job's result on {@code results} without an index: the status store says when the job
 * finished, results are keyed by job id (so the default partitioner puts them on one partition),
 * and the broker's time index finds the offset near that time. Reads that partition from a minute
 * before the finish to a minute after (then the others, should a producer have partitioned
 * differently) and keeps the last result for the id: a replayed job's latest life.
 */
public final class ResultLookup implements AutoCloseable {
  private static final Duration SLACK = Duration.ofMinutes(1);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final RecordText text;
  private final List<TopicPartition> partitions;

  public ResultLookup(RunexConfig cfg, RunexTopics topics) {
    this.topic = topics.results().name();
    this.text = new RecordText(topics.registry());
    this.consumer = Clients.unassigned(cfg, "result-lookup");
    this.partitions = Clients.partitions(consumer, cfg, topic);
  }

  /** The result of {@code jobId} written around {@code finishedAt}, if it is on the topic. */
  public synchronized Optional<JsonNode> find(String jobId, Instant finishedAt) {
    byte[] key = jobId.getBytes(StandardCharsets.UTF_8);
    TopicPartition home =
        new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key)) % partitions.size());
    Optional<JsonNode> found = scan(List.of(home), jobId, finishedAt);
    if (found.isPresent()) {
      return found;
    }
    List<TopicPartition> others = new ArrayList<>(partitions);
    others.remove(home);
    return others.isEmpty() ? Optional.empty() : scan(others, jobId, finishedAt);
  }

  private Optional<JsonNode> scan(List<TopicPartition> parts, String jobId, Instant finishedAt) {
    long from = finishedAt.minus(SLACK).toEpochMilli();
    long to = finishedAt.plus(SLACK).toEpochMilli();
    consumer.assign(parts);
    Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
    Map<TopicPartition, OffsetAndTimestamp> starts =
        consumer.offsetsForTimes(
            parts.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> from)));
    List<TopicPartition> open = new ArrayList<>();
    for (TopicPartition p : parts) {
      OffsetAndTimestamp s = starts.get(p);
      if (s != null) {
        consumer.seek(p, s.offset());
        open.add(p);
      }
    }
    JsonNode last = null;
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        if (r.timestamp() > to) {
          open.remove(p);
        } else if (open.contains(p) && jobId.equals(RecordText.key(r.key()))) {
          last = text.toJson(r.value());
        }
      }
      open.removeIf(p -> consumer.position(p) >= ends.get(p));
      if (!open.isEmpty()) {
        consumer.pause(consumer.assignment().stream().filter(p -> !open.contains(p)).toList());
      }
    }
    consumer.unsubscribe();
    return Optional.ofNullable(last);
  }

  @Override
  public synchronized void close() {
    consumer.close();
  }
}

package dev.runex.topology.scheduling;

import dev.runex.schemas.Job;
import dev.runex.schemas.topics.RunexTopics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/** Sends each job to its pool's topic, {@code scheduled.<pool>} as {@link RunexTopics} names it. */
public final class PoolTopicExtractor implements TopicNameExtractor<String, Job> {
  private final RunexTopics topics;
  private final Map<String, String> names = new ConcurrentHashMap<>();

  public PoolTopicExtractor(RunexTopics topics) {
    this.topics = topics;
  }

  @Override
  public String extract(String key, Job job, RecordContext context) {
    return names.computeIfAbsent(job.getPool(), pool -> topics.scheduled(pool).name());
  }

  /** Stable text: {@code Topology#describe()} prints it, and the snapshot test compares it. */
  @Override
  public String toString() {
    return "PoolTopicExtractor(" + topics.scheduled("<pool>").name() + ")";
  }
}

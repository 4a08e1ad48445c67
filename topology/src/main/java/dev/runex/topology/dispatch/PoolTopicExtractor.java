package dev.runex.topology.dispatch;

import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.topics.RunexTopics;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Sends each job to its pool's topic for its priority, as {@link RunexTopics#scheduled(String,
 * JobPriority)} names it: {@code scheduled.<pool>} (normal), {@code scheduled.<pool>.high} or
 * {@code scheduled.<pool>.low}. Retries keep the job's priority, so they return to the same topic.
 */
public final class PoolTopicExtractor implements TopicNameExtractor<String, Job> {
  private final RunexTopics topics;
  private final Map<JobPriority, Map<String, String>> names = new EnumMap<>(JobPriority.class);

  public PoolTopicExtractor(RunexTopics topics) {
    this.topics = topics;
    for (JobPriority p : JobPriority.values()) {
      names.put(p, new ConcurrentHashMap<>());
    }
  }

  @Override
  public String extract(String key, Job job, RecordContext context) {
    JobPriority priority = PriorityNames.effective(job.getPriority());
    return names
        .get(priority)
        .computeIfAbsent(job.getPool(), pool -> topics.scheduled(pool, priority).name());
  }

  /** Stable text: {@code Topology#describe()} prints it, and the snapshot test compares it. */
  @Override
  public String toString() {
    return "PoolTopicExtractor(" + topics.scheduled("<pool>").name() + "[.high|.low])";
  }
}

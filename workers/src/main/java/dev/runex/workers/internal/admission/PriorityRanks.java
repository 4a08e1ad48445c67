package dev.runex.workers.internal.admission;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rank (0 first) of each topic a worker consumes: the pool's scheduled topics, highest priority
 * first ({@code scheduled.<pool>.high}, {@code scheduled.<pool>}, {@code scheduled.<pool>.low}).
 * Ranked by topic rather than by the job's priority field, so the order jobs start in and the
 * partitions flow control pauses always agree.
 */
public final class PriorityRanks {
  private final Map<String, Integer> rankOfTopic = new HashMap<>();
  private final int ranks;

  public PriorityRanks(List<String> topicsHighestFirst) {
    if (topicsHighestFirst.isEmpty()) {
      throw new IllegalArgumentException("a worker needs at least one topic");
    }
    for (int i = 0; i < topicsHighestFirst.size(); i++) {
      rankOfTopic.putIfAbsent(topicsHighestFirst.get(i), i);
    }
    this.ranks = topicsHighestFirst.size();
  }

  public int ranks() {
    return ranks;
  }

  /** The topic's rank; a topic not listed ranks last (it cannot overtake anything). */
  public int of(String topic) {
    return rankOfTopic.getOrDefault(topic, ranks - 1);
  }
}

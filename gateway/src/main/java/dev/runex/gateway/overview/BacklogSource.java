package dev.runex.gateway.overview;

import java.util.List;

/**
 * Where the overview gets its backlog figures: per pool and priority, records waiting and the age
 * of the oldest waiting job. {@link ScheduledTopicBacklog} reads them from Kafka (end offsets
 * against the worker group's committed offsets); the runtime's own backlog meters can stand in.
 */
public interface BacklogSource {
  /** The backlog of every pool and priority now (may be cached for a few seconds). */
  List<Backlog> backlog();
}

package dev.runex.gateway.overview;

import java.util.List;

/**
 * Where the overview gets its backlog figures: per pool and priority, records waiting and the age
 * of the oldest waiting job. {@link ProbedBacklog} reads them from Kafka with the probe behind the
 * runtime's backlog meters (end offsets against the worker group's committed offsets).
 */
public interface BacklogSource {
  /** The backlog of every pool and priority now (may be cached for a few seconds). */
  List<Backlog> backlog();
}

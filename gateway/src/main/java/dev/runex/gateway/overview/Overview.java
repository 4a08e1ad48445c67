package dev.runex.gateway.overview;

import java.time.Instant;
import java.util.List;

/**
 * What the console's overview shows, as of {@code at}: one row per pool with the pool's figures,
 * and beneath it one row per priority (high, normal, low: the pool's scheduled topics) with the
 * same figures for that priority alone; the backlog from offsets for operators only (Kafka offsets
 * do not say whose jobs wait); and what is paused.
 *
 * @param tenant the tenant the figures are limited to; null for all (an operator's view)
 */
public record Overview(Instant at, String tenant, List<Pool> pools, List<Paused> paused) {

  /**
   * One pool: its backlog per priority (empty for a tenant's view), its lifecycle figures over
   * every priority, its rows per priority (highest first) and the paused targets that hold its jobs
   * (the pool's own pause, its job types' and, for a tenant, the tenant's).
   */
  public record Pool(
      String name,
      List<Backlog> backlog,
      PoolStats stats,
      List<Priority> priorities,
      List<String> pausedBy) {
    public long waiting() {
      return backlog.stream().mapToLong(Backlog::waiting).sum();
    }
  }

  /**
   * One priority of a pool: its backlog (null for a tenant's view) and its lifecycle figures.
   *
   * @param name high, normal or low
   */
  public record Priority(String name, Backlog backlog, PoolStats stats) {}

  /** A paused target, who paused it, when and why. */
  public record Paused(String target, String by, Instant since, String reason) {}
}

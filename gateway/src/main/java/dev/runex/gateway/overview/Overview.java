package dev.runex.gateway.overview;

import java.time.Instant;
import java.util.List;

/**
 * What the console's overview shows, as of {@code at}: one row per pool, the backlog of each of its
 * priorities (operators only: Kafka offsets do not say whose jobs wait), and what is paused.
 *
 * @param tenant the tenant the figures are limited to; null for all (an operator's view)
 */
public record Overview(Instant at, String tenant, List<Pool> pools, List<Paused> paused) {

  /** One pool: its backlog per priority (empty for a tenant's view) and its lifecycle figures. */
  public record Pool(String name, List<Backlog> backlog, PoolStats stats) {
    public long waiting() {
      return backlog.stream().mapToLong(Backlog::waiting).sum();
    }
  }

  /** A paused target, who paused it, when and why. */
  public record Paused(String target, String by, Instant since, String reason) {}
}

package dev.runex.gateway.intake;

import java.time.Instant;
import java.util.Optional;

/**
 * The jobs this gateway wrote to intake lately, with their tenants. Until the job-status
 * application has folded a job's first lifecycle record, the status API does not know the job, and
 * a client reading the status of the job it has just submitted would be told there is none; the job
 * queries wait for the fold instead, for these jobs only. Holds the latest {@value #HELD}.
 */
public final class RecentSubmissions {
  static final int HELD = 10_000;

  /**
   * A job written to intake: for {@code tenant} (null when the request named none), at {@code at}.
   */
  public record Accepted(String tenant, Instant at) {}

  private final LatestById<Accepted> accepted = new LatestById<>(HELD);

  /** {@code jobId} was written to intake for {@code tenant} at {@code at}. */
  public void accepted(String jobId, String tenant, Instant at) {
    accepted.put(jobId, new Accepted(tenant, at));
  }

  /** When and for whom this gateway last wrote {@code jobId}, if it is still held. */
  public Optional<Accepted> get(String jobId) {
    return accepted.get(jobId);
  }
}

package dev.runex.topology.status;

import com.fasterxml.jackson.databind.JsonNode;

/** The answer to "what is the status of job X". */
public sealed interface StatusLookup {

  /** The job's status, as JSON ({@code JobStatusView}). */
  record Found(JsonNode job) implements StatusLookup {}

  /** No status: the id is unknown, or the job finished longer ago than the retention. */
  record NotFound() implements StatusLookup {}

  /**
   * The instance that owns the job cannot answer now (rebalancing, restoring, unreachable): retry.
   */
  record Unavailable(String reason) implements StatusLookup {}
}

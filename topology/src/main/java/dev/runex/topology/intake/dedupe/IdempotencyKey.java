package dev.runex.topology.intake.dedupe;

import dev.runex.schemas.Job;

/**
 * A tenant's idempotency key: the record key of the dedupe repartition topic and of the {@code
 * intake-dedupe} store. Two tenants may use the same key without colliding.
 *
 * @param tenant the submitting tenant
 * @param key the request's {@code idempotencyKey}
 */
public record IdempotencyKey(String tenant, String key) {

  /** The job's key, or null when the job has none (then it is not deduplicated). */
  public static IdempotencyKey of(Job job) {
    return job.getIdempotencyKey() == null
        ? null
        : new IdempotencyKey(job.getTenant(), job.getIdempotencyKey());
  }

  /**
   * {@code <tenant length>:<tenant>/<key>}: the length prefix keeps it unambiguous whatever
   * characters tenants and keys contain ({@code a/b} + {@code c} never meets {@code a} + {@code
   * b/c}).
   */
  public String encoded() {
    return tenant.length() + ":" + tenant + "/" + key;
  }
}

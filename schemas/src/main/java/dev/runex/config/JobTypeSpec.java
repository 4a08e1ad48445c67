package dev.runex.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A job type, declared by operators under {@code runex.jobTypes.<name>}: what runs it, what
 * parameters it takes, who may submit it and within what limits. Requests never carry commands
 * or URLs; they carry parameters validated against this spec.
 *
 * @param name type name requests refer to
 * @param executor executor kind ({@code java}: a {@code JobHandler})
 * @param handler handler name for the java executor (defaults to the type name)
 * @param pool worker pool whose {@code scheduled.<pool>} topic receives this type's jobs
 * @param tenants tenants allowed to submit it; {@code *} allows any
 * @param params declared parameters by name
 * @param allowUnknownParams whether parameters not declared are accepted
 * @param maxPayloadBytes largest accepted request (encoded value bytes)
 * @param defaultTimeout per-attempt wall-clock timeout when the request does not say
 * @param maxTimeout the longest timeout a request may ask for
 * @param retry retry policy
 * @param maxQueueTime longest an attempt may wait past its due time before it starts; a job not
 *     started by then ends EXPIRED (null: no limit)
 */
public record JobTypeSpec(
    String name,
    String executor,
    String handler,
    String pool,
    Set<String> tenants,
    Map<String, ParamSpec> params,
    boolean allowUnknownParams,
    long maxPayloadBytes,
    Duration defaultTimeout,
    Duration maxTimeout,
    RetryPolicy retry,
    Duration maxQueueTime) {

  /** A job type without a queue-time limit. */
  public JobTypeSpec(String name, String executor, String handler, String pool, Set<String> tenants,
      Map<String, ParamSpec> params, boolean allowUnknownParams, long maxPayloadBytes, Duration defaultTimeout,
      Duration maxTimeout, RetryPolicy retry) {
    this(name, executor, handler, pool, tenants, params, allowUnknownParams, maxPayloadBytes, defaultTimeout,
        maxTimeout, retry, null);
  }

  public JobTypeSpec {
    tenants = Set.copyOf(tenants);
    params = Map.copyOf(params);
    if (tenants.isEmpty()) {
      throw new ConfigException("runex.jobTypes." + name + ".tenants must list at least one tenant (or *)");
    }
    if (defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new ConfigException(
          "runex.jobTypes." + name + ".timeout must be <= maxTimeout (" + maxTimeout + "), was " + defaultTimeout);
    }
    if (maxQueueTime != null && (maxQueueTime.isNegative() || maxQueueTime.isZero())) {
      throw new ConfigException("runex.jobTypes." + name + ".maxQueueTime must be > 0, was " + maxQueueTime);
    }
    if (maxPayloadBytes < 1) {
      throw new ConfigException("runex.jobTypes." + name + ".maxPayloadBytes must be >= 1, was " + maxPayloadBytes);
    }
  }

  public boolean allowsTenant(String tenant) {
    return tenants.contains("*") || tenants.contains(tenant);
  }
}

package dev.runex.config;

import dev.runex.schemas.JobPriority;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A job type, declared by operators under {@code runex.jobTypes.<name>}: what runs it, what
 * parameters it takes, who may submit it and within what limits. Requests never carry commands or
 * URLs; they carry parameters validated against this spec.
 *
 * @param name type name requests refer to
 * @param executor executor kind: {@code java} (a {@code JobHandler}), {@code process} (a sandboxed
 *     OS process, see {@link ProcessSpec}) or {@code http} (an HTTP call, see {@link HttpSpec})
 * @param handler handler name for the java executor (defaults to the type name)
 * @param pool worker pool whose {@code scheduled.<pool>} topic receives this type's jobs
 * @param tenants tenants allowed to submit it; {@code *} allows any
 * @param params declared parameters by name
 * @param allowUnknownParams whether parameters not declared are accepted
 * @param maxPayloadBytes largest accepted request (encoded value bytes)
 * @param defaultTimeout per-attempt wall-clock timeout when the request does not say
 * @param maxTimeout the longest timeout a request may ask for
 * @param retry retry policy
 * @param limits execution limits: the values jobs get and the maxima requests may ask for
 * @param process how a process job runs (null unless executor is process)
 * @param http how an http job runs (null unless executor is http)
 * @param maxQueueTime longest an attempt may wait past its due time before it starts; a job not
 *     started by then ends EXPIRED (null: no limit)
 * @param priorities priorities requests of this type may ask for; {@link #DEFAULT_PRIORITIES} when
 *     not declared, so jumping the queue is something operators grant per type
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
    ExecutionLimits limits,
    ProcessSpec process,
    HttpSpec http,
    Duration maxQueueTime,
    Set<JobPriority> priorities) {

  /** normal and low: high must be granted explicitly, or every producer could jump the queue. */
  public static final Set<JobPriority> DEFAULT_PRIORITIES =
      Set.copyOf(EnumSet.of(JobPriority.NORMAL, JobPriority.LOW));

  /** The type's {@code maxQueueTime}, or null for an unknown (null) type or one that sets none. */
  public static Duration maxQueueTimeOf(JobTypeSpec type) {
    return type == null ? null : type.maxQueueTime();
  }

  public static final String JAVA = "java";
  public static final String PROCESS = "process";
  public static final String HTTP = "http";

  public JobTypeSpec {
    tenants = Set.copyOf(tenants);
    params = Map.copyOf(params);
    priorities = priorities == null ? DEFAULT_PRIORITIES : Set.copyOf(priorities);
    if (priorities.isEmpty()) {
      throw new ConfigException(
          "runex.jobTypes." + name + ".priorities must list at least one of high, normal, low");
    }
    if (tenants.isEmpty()) {
      throw new ConfigException(
          "runex.jobTypes." + name + ".tenants must list at least one tenant (or *)");
    }
    if (defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new ConfigException(
          "runex.jobTypes."
              + name
              + ".timeout must be <= maxTimeout ("
              + maxTimeout
              + "), was "
              + defaultTimeout);
    }
    if (maxQueueTime != null && (maxQueueTime.isNegative() || maxQueueTime.isZero())) {
      throw new ConfigException(
          "runex.jobTypes." + name + ".maxQueueTime must be > 0, was " + maxQueueTime);
    }
    if (maxPayloadBytes < 1) {
      throw new ConfigException(
          "runex.jobTypes." + name + ".maxPayloadBytes must be >= 1, was " + maxPayloadBytes);
    }
    if (limits == null) {
      limits = ExecutionLimits.defaultsFor(executor);
    }
    checkExecutor(name, executor, process, http);
  }

  /** A java job type with the default limits. */
  public JobTypeSpec(
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
      RetryPolicy retry) {
    this(
        name,
        executor,
        handler,
        pool,
        tenants,
        params,
        allowUnknownParams,
        maxPayloadBytes,
        defaultTimeout,
        maxTimeout,
        retry,
        ExecutionLimits.defaultsFor(executor),
        null,
        null,
        null,
        null);
  }

  /** A job type with the default priorities. */
  public JobTypeSpec(
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
      ExecutionLimits limits,
      ProcessSpec process,
      HttpSpec http,
      Duration maxQueueTime) {
    this(
        name,
        executor,
        handler,
        pool,
        tenants,
        params,
        allowUnknownParams,
        maxPayloadBytes,
        defaultTimeout,
        maxTimeout,
        retry,
        limits,
        process,
        http,
        maxQueueTime,
        null);
  }

  private static void checkExecutor(
      String name, String executor, ProcessSpec process, HttpSpec http) {
    String p = "runex.jobTypes." + name;
    switch (executor) {
      case JAVA -> {
        if (process != null || http != null) {
          throw new ConfigException(
              p
                  + " has a "
                  + (process != null ? "process" : "http")
                  + " block, but its executor is java");
        }
      }
      case PROCESS -> {
        if (process == null || http != null) {
          throw new ConfigException(
              p
                  + ".process (command, exitCodes) is required with executor process, and http is not allowed");
        }
      }
      case HTTP -> {
        if (http == null || process != null) {
          throw new ConfigException(
              p
                  + ".http (url, method, ...) is required with executor http, and process is not allowed");
        }
      }
      default ->
          throw new ConfigException(
              p + ".executor must be java, process or http, was '" + executor + "'");
    }
  }

  /** Whether requests of this type may ask for this priority. */
  public boolean allowsPriority(JobPriority priority) {
    return priorities.contains(priority);
  }

  public boolean allowsTenant(String tenant) {
    return tenants.contains("*") || tenants.contains(tenant);
  }
}

package dev.runex.topology.validation;

import static dev.runex.schemas.ReasonCode.ATTEMPTS_TOO_MANY;
import static dev.runex.schemas.ReasonCode.INVALID_FIELD;
import static dev.runex.schemas.ReasonCode.PAYLOAD_TOO_LARGE;
import static dev.runex.schemas.ReasonCode.PRIORITY_NOT_ALLOWED;
import static dev.runex.schemas.ReasonCode.TENANT_NOT_ALLOWED;
import static dev.runex.schemas.ReasonCode.TIMEOUT_TOO_LONG;
import static dev.runex.schemas.ReasonCode.UNKNOWN_TYPE;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Decides whether a decoded {@link JobRequest} may run, and resolves it into a {@link Job} with
 * every default taken from its declared job type. Pure: no Kafka, no clock (callers pass {@code
 * now}), ids only from the injected generator. Checks stop at the first problem, in this order:
 * blank type/tenant/id/idempotencyKey, known type, tenant allowed, priority allowed, payload size,
 * timeout, attempts, notBefore/delay, limits, parameters, expiresAt after notBefore/delay. A
 * request's {@code limits} may only lower its type's ({@link LimitChecker}).
 *
 * <p>Reason codes ({@link ReasonCode}): {@code INVALID_FIELD}, {@code UNKNOWN_TYPE}, {@code
 * TENANT_NOT_ALLOWED}, {@code PRIORITY_NOT_ALLOWED}, {@code PAYLOAD_TOO_LARGE}, {@code
 * TIMEOUT_TOO_LONG}, {@code ATTEMPTS_TOO_MANY}, {@code LIMIT_TOO_HIGH}, {@code PARAM_MISSING},
 * {@code PARAM_TYPE}, {@code PARAM_UNKNOWN}.
 */
public final class JobValidator {
  private final RunexConfig cfg;
  private final Supplier<String> idGenerator;

  public JobValidator(RunexConfig cfg) {
    this(cfg, JobIds.RANDOM);
  }

  /** With a chosen id generator for requests that have neither an id nor a usable key. */
  public JobValidator(RunexConfig cfg, Supplier<String> idGenerator) {
    this.cfg = cfg;
    this.idGenerator = idGenerator;
  }

  /**
   * Validates one request.
   *
   * @param request the decoded request
   * @param recordKey the intake record's raw key (the job id when the request has none)
   * @param encodedSize size of the intake record's value, checked against the type's
   *     maxPayloadBytes
   * @param recordTimestamp the intake record's timestamp; the submission time when positive
   * @param now wall-clock millis, the submission time otherwise
   */
  public Validation validate(
      JobRequest request, byte[] recordKey, int encodedSize, long recordTimestamp, long now) {
    try {
      JobTypeSpec type = checkIdentity(request);
      checkLimits(type, request, encodedSize);
      LimitChecker.check(type, request.getLimits());
      Map<String, Object> params = ParamChecker.check(type, request.getParams());
      return new Validation.Valid(
          toJob(type, request, params, recordKey, recordTimestamp > 0 ? recordTimestamp : now));
    } catch (Refusal r) {
      return r.toInvalid();
    }
  }

  private JobTypeSpec checkIdentity(JobRequest r) {
    requireNonBlank("type", r.getType());
    requireNonBlank("tenant", r.getTenant());
    if (r.getId() != null && r.getId().isBlank()) {
      throw new Refusal(INVALID_FIELD, "id must not be blank (omit it to use the record key)");
    }
    if (r.getIdempotencyKey() != null && r.getIdempotencyKey().isBlank()) {
      throw new Refusal(
          INVALID_FIELD, "idempotencyKey must not be blank (omit it to skip deduplication)");
    }
    JobTypeSpec type = cfg.jobType(r.getType());
    if (type == null) {
      throw new Refusal(
          UNKNOWN_TYPE,
          "type '"
              + r.getType()
              + "' is not a declared job type (declared: "
              + new TreeSet<>(cfg.jobTypes().keySet())
              + ")");
    }
    if (!type.allowsTenant(r.getTenant())) {
      throw new Refusal(
          TENANT_NOT_ALLOWED,
          "tenant '" + r.getTenant() + "' may not submit jobs of type '" + type.name() + "'");
    }
    if (!type.allowsPriority(PriorityNames.effective(r.getPriority()))) {
      throw new Refusal(
          PRIORITY_NOT_ALLOWED,
          "priority "
              + PriorityNames.of(r.getPriority())
              + " is not allowed for type '"
              + type.name()
              + "' (priorities: "
              + allowed(type)
              + ")");
    }
    return type;
  }

  private static List<String> allowed(JobTypeSpec type) {
    return new TreeSet<>(type.priorities()).stream().map(PriorityNames::of).toList();
  }

  private static void checkLimits(JobTypeSpec type, JobRequest r, int encodedSize) {
    if (encodedSize > type.maxPayloadBytes()) {
      throw new Refusal(
          PAYLOAD_TOO_LARGE,
          "request is "
              + encodedSize
              + " bytes, above type '"
              + type.name()
              + "' maxPayloadBytes ("
              + type.maxPayloadBytes()
              + ")");
    }
    Long timeout = r.getTimeoutMs();
    if (timeout != null && timeout <= 0) {
      throw new Refusal(INVALID_FIELD, "timeout must be > 0, was " + timeout + "ms");
    }
    if (timeout != null && timeout > type.maxTimeout().toMillis()) {
      throw new Refusal(
          TIMEOUT_TOO_LONG,
          "timeout "
              + Duration.ofMillis(timeout)
              + " is above type '"
              + type.name()
              + "' maxTimeout ("
              + type.maxTimeout()
              + ")");
    }
    Integer attempts = r.getMaxAttempts();
    if (attempts != null && attempts < 1) {
      throw new Refusal(INVALID_FIELD, "maxAttempts must be >= 1, was " + attempts);
    }
    if (attempts != null && attempts > type.retry().maxAttemptsLimit()) {
      throw new Refusal(
          ATTEMPTS_TOO_MANY,
          "maxAttempts "
              + attempts
              + " is above type '"
              + type.name()
              + "' retry.maxAttemptsLimit ("
              + type.retry().maxAttemptsLimit()
              + ")");
    }
    if (r.getNotBefore() != null && r.getDelayMs() != null) {
      throw new Refusal(INVALID_FIELD, "give either notBefore or delay, not both");
    }
    if (r.getDelayMs() != null && r.getDelayMs() < 0) {
      throw new Refusal(INVALID_FIELD, "delay must be >= 0, was " + r.getDelayMs() + "ms");
    }
  }

  private Job toJob(
      JobTypeSpec type, JobRequest r, Map<String, Object> params, byte[] key, long submittedAt) {
    String id = JobIds.resolve(r.getId(), key, idGenerator);
    String partitionKey =
        r.getPartitionKey() == null || r.getPartitionKey().isEmpty() ? id : r.getPartitionKey();
    return Job.newBuilder()
        .setId(id)
        .setType(type.name())
        .setTenant(r.getTenant())
        .setPool(type.pool())
        .setParams(params)
        .setPartitionKey(partitionKey)
        .setIdempotencyKey(r.getIdempotencyKey())
        .setLabels(new HashMap<>(r.getLabels()))
        .setAttempt(1)
        .setMaxAttempts(
            r.getMaxAttempts() != null ? r.getMaxAttempts() : type.retry().maxAttempts())
        .setTimeoutMs(
            r.getTimeoutMs() != null ? r.getTimeoutMs() : type.defaultTimeout().toMillis())
        .setSubmittedAt(Instant.ofEpochMilli(submittedAt))
        .setDueAt(Instant.ofEpochMilli(dueAt(r, submittedAt)))
        .setLimits(r.getLimits())
        .setExpiresAt(expiresAt(r, submittedAt))
        .setPriority(PriorityNames.effective(r.getPriority()))
        .build();
  }

  /**
   * A deadline at or before an explicitly delayed start contradicts itself: refused. One that has
   * merely passed by submission time is not the request's fault; the job ends EXPIRED in queueing.
   */
  private static Instant expiresAt(JobRequest r, long submittedAt) {
    Instant expiresAt = r.getExpiresAt();
    if (expiresAt != null && (r.getNotBefore() != null || r.getDelayMs() != null)) {
      Instant due = Instant.ofEpochMilli(dueAt(r, submittedAt));
      if (!expiresAt.isAfter(due)) {
        throw new Refusal(
            INVALID_FIELD, "expiresAt " + expiresAt + " must be after the job's start time " + due);
      }
    }
    return expiresAt;
  }

  private static long dueAt(JobRequest r, long submittedAt) {
    if (r.getNotBefore() != null) {
      return r.getNotBefore().toEpochMilli();
    }
    if (r.getDelayMs() != null) {
      try {
        return Math.addExact(submittedAt, r.getDelayMs());
      } catch (ArithmeticException e) {
        throw new Refusal(INVALID_FIELD, "delay " + r.getDelayMs() + "ms is too far in the future");
      }
    }
    return submittedAt;
  }

  private static void requireNonBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new Refusal(INVALID_FIELD, field + " is required and must not be blank");
    }
  }
}

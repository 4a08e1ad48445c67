package dev.runex.schemas;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every reason code runex itself writes, in one place: the {@code code} of an {@link ErrorInfo} (a
 * result's error, a dead letter's reason, a retry's {@code lastError}), the {@code reason} tag of
 * {@code runex.intake.rejected}, and the {@code limit} of a {@link ResourceUsage} ({@link
 * #isLimit()}). The wire carries the constant's name ({@link #code()}), so renaming a constant is a
 * wire-format change.
 *
 * <p>Codes built from data (an exit code, a signal, an HTTP status) are the {@link Family
 * families}; a job handler may also choose codes of its own ({@code PermanentJobException}, {@code
 * RetryableJobException}). The reason-code reference in the docs is generated from this enum.
 */
public enum ReasonCode {
  // intake: the record cannot be read as a request (REJECTED result + dead letter)
  EMPTY(Retry.NO, "The intake record has no value.", Stage.INTAKE),
  TOO_LARGE(
      Retry.NO,
      "The intake record is larger than runex.intake.maxRequestBytes (checked before decoding).",
      Stage.INTAKE),
  MALFORMED_JSON(
      Retry.NO,
      "Not one JSON object (a syntax error, a duplicate key, trailing content), or text that does not"
          + " start with '{'.",
      Stage.INTAKE),
  UNSUPPORTED_ENCODING(
      Retry.NO, "Neither Confluent-framed Avro (first byte 0) nor UTF-8 text.", Stage.INTAKE),
  UNKNOWN_SCHEMA_ID(
      Retry.NO,
      "Confluent-framed Avro whose schema id the schema registry does not know.",
      Stage.INTAKE),
  MALFORMED_AVRO(
      Retry.NO,
      "Confluent-framed Avro that is too short or does not decode as a JobRequest.",
      Stage.INTAKE),
  UNKNOWN_FIELD(
      Retry.NO,
      "A JSON field the intake contract does not define (so a typo never silently drops an option).",
      Stage.INTAKE),
  BAD_FIELD(
      Retry.NO,
      "A JSON field of the wrong type, or an instant or duration that does not parse.",
      Stage.INTAKE),

  // validation: the request is readable but may not run (REJECTED result + dead letter)
  INVALID_FIELD(
      Retry.NO,
      "A blank type, tenant, id or idempotencyKey, a timeout or maxAttempts below 1, notBefore and"
          + " delay together, a bad limit, an expiresAt not after notBefore/delay, ...",
      Stage.VALIDATION),
  UNKNOWN_TYPE(
      Retry.NO,
      "The job type is not declared (validation), or not in the worker's configuration"
          + " (execution).",
      Stage.VALIDATION,
      Stage.EXECUTION),
  TENANT_NOT_ALLOWED(Retry.NO, "The tenant is not among the job type's tenants.", Stage.VALIDATION),
  PRIORITY_NOT_ALLOWED(
      Retry.NO, "The priority asked for is not among the job type's priorities.", Stage.VALIDATION),
  PAYLOAD_TOO_LARGE(
      Retry.NO, "The request is larger than the job type's maxPayloadBytes.", Stage.VALIDATION),
  TIMEOUT_TOO_LONG(
      Retry.NO, "The timeout asked for is above the job type's maxTimeout.", Stage.VALIDATION),
  ATTEMPTS_TOO_MANY(
      Retry.NO,
      "The maxAttempts asked for is above the job type's retry.maxAttemptsLimit.",
      Stage.VALIDATION),
  LIMIT_TOO_HIGH(
      Retry.NO,
      "A limit asked for is above the job type's (requests may only lower limits).",
      Stage.VALIDATION),
  PARAM_MISSING(Retry.NO, "A required parameter is absent.", Stage.VALIDATION),
  PARAM_TYPE(Retry.NO, "A parameter's value does not have its declared type.", Stage.VALIDATION),
  PARAM_UNKNOWN(
      Retry.NO,
      "A parameter the job type does not declare (and allowUnknownParams is false).",
      Stage.VALIDATION),
  DUPLICATE(
      Retry.NO,
      "The tenant submitted the same idempotencyKey within runex.intake.idempotencyWindow;"
          + " duplicateOf names the job that runs (no dead letter).",
      Stage.VALIDATION),

  // ended before or instead of running
  EXPIRED(
      Retry.NO,
      "The attempt did not start by its deadline (expiresAt, or due time + maxQueueTime): result"
          + " EXPIRED, no dead letter.",
      Stage.QUEUEING,
      Stage.EXECUTION),
  CANCELLED(
      Retry.NO,
      "A cancel ended the job: result CANCELLED, no dead letter. As a usage limit: the cancel ended"
          + " a process job's processes.",
      true,
      Stage.QUEUEING,
      Stage.EXECUTION),

  // execution: an attempt failed (retryable: retried while attempts are left, else FAILED)
  HANDLER_ERROR(
      Retry.YES,
      "The handler threw an exception that is not a PermanentJobException (or a"
          + " RetryableJobException without a code of its own).",
      Stage.EXECUTION),
  TIMEOUT(
      Retry.YES,
      "The attempt ran past its timeout; the job ends TIMED_OUT when no attempts are left.",
      Stage.EXECUTION),
  PERMANENT_FAILURE(
      Retry.NO, "A PermanentJobException without a code of its own.", Stage.EXECUTION),
  PARAM_INVALID(
      Retry.NO,
      "The handler could not use a parameter (JobContext's typed getters, an http json parameter"
          + " that is not JSON, a negative sleep).",
      Stage.EXECUTION),
  OUTPUT_TOO_LARGE(
      Retry.NO,
      "The handler's output is above 512KB (a result must fit a record).",
      Stage.EXECUTION),
  UNKNOWN_HANDLER(
      Retry.NO, "No JobHandler of the job type's handler name is registered.", Stage.EXECUTION),
  MEMORY_BUDGET_EXCEEDED(
      Retry.NO,
      "The job declares more memory than the worker's whole runex.worker.memoryBudget.",
      Stage.EXECUTION),
  UNDECODABLE(
      Retry.NO,
      "A record on a pool's scheduled topic that is not a job: the worker dead-letters it.",
      Stage.EXECUTION),
  ABANDONED(
      Retry.YES,
      "The worker gave the attempt up (shutdown, rebalance, aborted transaction); never written:"
          + " the attempt reruns from its uncommitted offset.",
      Stage.EXECUTION),
  SANDBOX_UNAVAILABLE(
      Retry.NO,
      "A process job on a worker that cannot sandbox it: runex.worker.sandbox is bubblewrap and"
          + " bwrap does not work, or prlimit (as root: setpriv) is missing.",
      Stage.EXECUTION),
  MEMORY_LIMIT(
      Retry.NO,
      "A process job was stopped by limits.memory (recognised from the allocation error it printed).",
      true,
      Stage.EXECUTION),
  CPU_LIMIT(
      Retry.NO,
      "A process job was stopped by limits.cpu (SIGXCPU, or SIGKILL with its CPU time used up).",
      true,
      Stage.EXECUTION),
  PIDS_LIMIT(
      Retry.NO,
      "A process job was stopped by limits.pids (recognised from the fork or thread error it printed).",
      true,
      Stage.EXECUTION),
  FILE_SIZE_LIMIT(
      Retry.NO,
      "A process job was stopped by limits.fileSize (SIGXFSZ, or the write error it printed).",
      true,
      Stage.EXECUTION),
  TIMED_OUT(
      Retry.NONE,
      "Usage limit only: the attempt was stopped at its timeout (its error code is TIMEOUT).",
      true,
      Stage.EXECUTION),
  OUTPUT_LIMIT(
      Retry.NONE,
      "Usage limit only: output beyond limits.output was dropped (the attempt may still succeed).",
      true,
      Stage.EXECUTION),
  HTTP_CONNECTION(
      Retry.YES,
      "An http job's endpoint could not be reached or the connection failed.",
      Stage.EXECUTION),
  BAD_URL(
      Retry.NO,
      "An http job's URL, with the job's values filled in, does not parse.",
      Stage.EXECUTION),
  FAIL_REQUESTED(
      Retry.DEPENDS,
      "The built-in fail handler: retryable for the first params.times attempts, permanent with"
          + " params.permanent.",
      Stage.EXECUTION);

  /** The lifecycle stages that write a code (their names are the events' {@code stage}). */
  public enum Stage {
    INTAKE,
    VALIDATION,
    QUEUEING,
    EXECUTION;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether a failure with this code is retried (while the job has attempts left). */
  public enum Retry {
    YES("yes"),
    NO("no"),
    /** Decided per occurrence (configuration, the handler, the response). */
    DEPENDS("depends"),
    /** Not a failure's code. */
    NONE("—");

    private final String label;

    Retry(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Codes made of a prefix and a number from the attempt itself. */
  public enum Family {
    EXIT(
        "EXIT_",
        "<code>",
        "A process job exited with this code; the type's exitCodes decide (defaults: 75"
            + " retryable, other non-zero codes permanent)."),
    SIGNAL(
        "SIGNAL_", "<n>", "A process job was killed by signal n; exitCodes see it as exit 128+n."),
    HTTP(
        "HTTP_",
        "<status>",
        "An http job's response was not 2xx: 408, 429 and 5xx are retryable, other statuses"
            + " permanent.");

    private final String prefix;
    private final String placeholder;
    private final String description;

    Family(String prefix, String placeholder, String description) {
      this.prefix = prefix;
      this.placeholder = placeholder;
      this.description = description;
    }

    /** The code of one occurrence, e.g. {@code EXIT_3}. */
    public String code(int number) {
      return prefix + number;
    }

    /** The family as documented, e.g. {@code EXIT_<code>}. */
    public String pattern() {
      return prefix + placeholder;
    }

    public String description() {
      return description;
    }
  }

  private final Retry retry;
  private final String description;
  private final boolean limit;
  private final List<Stage> stages;

  ReasonCode(Retry retry, String description, Stage... stages) {
    this(retry, description, false, stages);
  }

  ReasonCode(Retry retry, String description, boolean limit, Stage... stages) {
    this.retry = retry;
    this.description = description;
    this.limit = limit;
    this.stages = List.of(stages);
  }

  /** The code as written on the wire. */
  public String code() {
    return name();
  }

  public Retry retry() {
    return retry;
  }

  public String description() {
    return description;
  }

  /** The stages that write this code, in lifecycle order. */
  public List<Stage> stages() {
    return stages;
  }

  /**
   * Whether this is also a value of {@code ResourceUsage.limit} (the limit that stopped or cut).
   */
  public boolean isLimit() {
    return limit;
  }

  /** The codes of every {@link #isLimit() limit}, as written in {@code ResourceUsage.limit}. */
  public static Set<String> limitCodes() {
    Set<String> codes = new java.util.HashSet<>();
    for (ReasonCode c : EnumSet.allOf(ReasonCode.class)) {
      if (c.limit) {
        codes.add(c.code());
      }
    }
    return Set.copyOf(codes);
  }
}

package dev.runex.gateway.deadletter;

import java.time.Instant;
import java.util.Locale;

/**
 * Which dead letters a search wants; null fields match anything.
 *
 * @param tenant the job's tenant (see {@link DeadLetterEntry#tenant()})
 * @param type the job's type
 * @param code the reason code, e.g. {@code PARAM_MISSING}
 * @param stage {@code intake} or {@code execution}
 * @param from failed (last) at or after
 * @param to failed before
 * @param text found, ignoring case, in the reason's message, the stack trace or the job id
 */
public record DeadLetterQuery(
    String tenant, String type, String code, String stage, Instant from, Instant to, String text) {
  public static final DeadLetterQuery ALL =
      new DeadLetterQuery(null, null, null, null, null, null, null);

  public DeadLetterQuery {
    tenant = blankToNull(tenant);
    type = blankToNull(type);
    code = blankToNull(code);
    stage = blankToNull(stage);
    text = blankToNull(text);
  }

  /** The same query limited to one tenant (a tenant key's searches). */
  public DeadLetterQuery forTenant(String own) {
    return new DeadLetterQuery(own, type, code, stage, from, to, text);
  }

  public boolean matches(DeadLetterEntry e) {
    return (tenant == null || tenant.equals(e.tenant()))
        && (type == null || type.equals(e.type()))
        && (code == null || code.equalsIgnoreCase(e.code()))
        && (stage == null || stage.equalsIgnoreCase(e.stage()))
        && (from == null || !e.failedAt().isBefore(from))
        && (to == null || e.failedAt().isBefore(to))
        && (text == null || containsText(e));
  }

  private boolean containsText(DeadLetterEntry e) {
    String needle = text.toLowerCase(Locale.ROOT);
    return e.message().toLowerCase(Locale.ROOT).contains(needle)
        || e.value().path("stacktrace").asText("").toLowerCase(Locale.ROOT).contains(needle)
        || e.jobId().toLowerCase(Locale.ROOT).contains(needle);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}

package dev.runex.topology.status;

import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which jobs a listing wants; null (or empty) fields match anything.
 *
 * @param tenant exact tenant (listed through the tenant index)
 * @param type exact job type
 * @param state current state
 * @param labels labels the job must carry, each with exactly this value
 * @param submittedFrom submitted at or after this instant
 * @param submittedTo submitted before this instant
 */
public record JobFilter(
    String tenant,
    String type,
    JobPhase state,
    Map<String, String> labels,
    Instant submittedFrom,
    Instant submittedTo) {
  public static final JobFilter ALL = new JobFilter(null, null, null);

  public JobFilter {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public JobFilter(String tenant, String type, JobPhase state) {
    this(tenant, type, state, Map.of(), null, null);
  }

  /**
   * A state by name, case-insensitive; IllegalArgumentException naming the valid ones otherwise.
   */
  public static JobPhase state(String name) {
    if (name == null || name.isBlank()) {
      return null;
    }
    try {
      return JobPhase.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown state '" + name + "' (one of " + Arrays.toString(JobPhase.values()) + ")");
    }
  }

  /**
   * Labels written {@code key=value}, several separated by commas ({@code team=ml,env=prod});
   * IllegalArgumentException for an entry without '='.
   */
  public static Map<String, String> labels(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("a label filter is key=value, was '" + pair + "'");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return out;
  }

  /** An ISO-8601 instant, or null; IllegalArgumentException naming the parameter otherwise. */
  public static Instant instant(String name, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be an ISO-8601 instant like 2026-01-31T12:00:00Z, was '" + text + "'");
    }
  }

  public boolean matches(JobStatusView v) {
    return (tenant == null || tenant.equals(v.getTenant()))
        && (type == null || type.equals(v.getType()))
        && (state == null || state == v.getState())
        && labelsMatch(v.getLabels())
        && (submittedFrom == null
            || (v.getSubmittedAt() != null && !v.getSubmittedAt().isBefore(submittedFrom)))
        && (submittedTo == null
            || (v.getSubmittedAt() != null && v.getSubmittedAt().isBefore(submittedTo)));
  }

  private boolean labelsMatch(Map<String, String> have) {
    if (labels.isEmpty()) {
      return true;
    }
    if (have == null) {
      return false;
    }
    return labels.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
  }

  /** The query string of this filter, for asking another instance. */
  public String query() {
    StringBuilder q = new StringBuilder();
    append(q, "tenant", tenant);
    append(q, "type", type);
    append(q, "state", state == null ? null : state.name());
    if (!labels.isEmpty()) {
      StringBuilder l = new StringBuilder();
      labels.forEach(
          (k, v) -> l.append(l.length() == 0 ? "" : ",").append(k).append('=').append(v));
      append(q, "label", l.toString());
    }
    append(q, "submittedFrom", submittedFrom == null ? null : submittedFrom.toString());
    append(q, "submittedTo", submittedTo == null ? null : submittedTo.toString());
    return q.toString();
  }

  private static void append(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append(q.length() == 0 ? "" : "&")
          .append(name)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}

package dev.runex.topology.status;

import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import java.util.Locale;
import java.util.Objects;

/**
 * Which jobs a listing wants; null fields match anything.
 *
 * @param tenant exact tenant (listed through the tenant index)
 * @param type exact job type
 * @param state current state
 */
public record JobFilter(String tenant, String type, JobPhase state) {
  public static final JobFilter ALL = new JobFilter(null, null, null);

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
          "unknown state '"
              + name
              + "' (one of "
              + java.util.Arrays.toString(JobPhase.values())
              + ")");
    }
  }

  public boolean matches(JobStatusView v) {
    return (tenant == null || tenant.equals(v.getTenant()))
        && (type == null || type.equals(v.getType()))
        && (state == null || state == v.getState());
  }

  /** The query string of this filter, for asking another instance. */
  public String query() {
    StringBuilder q = new StringBuilder();
    append(q, "tenant", tenant);
    append(q, "type", type);
    append(q, "state", state == null ? null : state.name());
    return q.toString();
  }

  private static void append(StringBuilder q, String name, String value) {
    if (value != null) {
      q.append(q.length() == 0 ? "" : "&")
          .append(name)
          .append('=')
          .append(
              java.net.URLEncoder.encode(
                  Objects.requireNonNull(value), java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}

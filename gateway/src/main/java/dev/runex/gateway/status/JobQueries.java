package dev.runex.gateway.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.Problem;
import dev.runex.gateway.intake.ResultLookup;
import dev.runex.gateway.intake.ResultWaiter;
import dev.runex.schemas.json.AvroJson;
import dev.runex.topology.status.JobFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A job's status, transitions and result, and job listings, as a caller may see them: through the
 * topology's status API ({@link StatusClient}), with a tenant key limited to its own tenant
 * (another tenant's job is "not found", exactly like an unknown id), and the result found on {@code
 * results} ({@link ResultWaiter} for recent ones, {@link ResultLookup} near the finish time
 * otherwise).
 */
public final class JobQueries {
  private final StatusClient status;
  private final ResultWaiter recent;
  private final ResultLookup lookup;

  public JobQueries(StatusClient status, ResultWaiter recent, ResultLookup lookup) {
    this.status = status;
    this.recent = recent;
    this.lookup = lookup;
  }

  /** The job's status (JobStatusView as JSON); 404 unknown or not the caller's, 503 not now. */
  public JsonNode status(Caller caller, String jobId) {
    StatusClient.Response r = ask("/jobs/" + pathSegment(jobId));
    if (r.status() == 404) {
      throw Problem.notFound(
          "no job " + jobId + " (unknown, or finished longer ago than its status is kept)");
    }
    if (r.status() != 200) {
      throw Problem.unavailable("the status API answered " + r.status() + ": " + r.error());
    }
    if (!caller.sees(r.body().path("tenant").asText(null))) {
      throw Problem.notFound(
          "no job " + jobId + " (unknown, or finished longer ago than its status is kept)");
    }
    return r.body();
  }

  /** The job's final result, if it has one yet (empty while it is still on its way). */
  public Optional<JsonNode> result(Caller caller, String jobId) {
    JsonNode st = status(caller, jobId);
    if (!st.path("terminal").asBoolean(false)) {
      return Optional.empty();
    }
    Optional<JsonNode> fresh = recent.recent(jobId);
    if (fresh.isPresent()) {
      return fresh;
    }
    String finished = st.path("finishedAt").asText("");
    return finished.isEmpty() ? Optional.empty() : lookup.find(jobId, Instant.parse(finished));
  }

  /** The filters a listing takes, as query parameters of the status API. */
  public record Listing(
      String tenant,
      String type,
      String state,
      String label,
      String submittedFrom,
      String submittedTo,
      Integer limit,
      String pageToken) {}

  /** A page of jobs; a tenant key lists its own tenant only (403 when it names another). */
  public JsonNode list(Caller caller, Listing l) {
    String tenant = l.tenant();
    if (caller.tenant().isPresent()) {
      if (tenant != null && !tenant.isBlank() && !tenant.equals(caller.tenant().get())) {
        throw Problem.forbidden(
            "TENANT_NOT_PERMITTED", "this key lists tenant '" + caller.tenant().get() + "' only");
      }
      tenant = caller.tenant().get();
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("tenant", tenant);
    q.put("type", l.type());
    q.put("state", l.state());
    q.put("label", l.label());
    q.put("submittedFrom", l.submittedFrom());
    q.put("submittedTo", l.submittedTo());
    q.put("limit", l.limit() == null ? null : l.limit().toString());
    q.put("pageToken", l.pageToken());
    // checked here too, so a bad filter is a 400 naming it even if the status API is older
    try {
      JobFilter.state(l.state());
      JobFilter.labels(l.label());
      JobFilter.instant("submittedFrom", l.submittedFrom());
      JobFilter.instant("submittedTo", l.submittedTo());
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("BAD_PARAMETER", e.getMessage());
    }
    StringBuilder path = new StringBuilder("/jobs");
    q.forEach(
        (k, v) -> {
          if (v != null && !v.isBlank()) {
            path.append(path.indexOf("?") < 0 ? '?' : '&')
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
          }
        });
    StatusClient.Response r = ask(path.toString());
    if (r.status() == 400) {
      throw Problem.badRequest("BAD_PARAMETER", r.error());
    }
    if (r.status() != 200) {
      throw Problem.unavailable("the status API answered " + r.status() + ": " + r.error());
    }
    ObjectNode out = AvroJson.MAPPER.createObjectNode();
    ArrayNode jobs = out.putArray("jobs");
    for (JsonNode j : r.body().path("jobs")) {
      if (caller.sees(j.path("tenant").asText(null))) {
        jobs.add(j);
      }
    }
    JsonNode next = r.body().get("nextPageToken");
    out.set("nextPageToken", next == null ? out.nullNode() : next);
    return out;
  }

  private StatusClient.Response ask(String pathAndQuery) {
    try {
      return status.get(pathAndQuery);
    } catch (IllegalStateException e) {
      throw Problem.unavailable(e.getMessage());
    }
  }

  static String pathSegment(String jobId) {
    return URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

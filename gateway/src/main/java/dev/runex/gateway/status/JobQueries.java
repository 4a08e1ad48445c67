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
import java.time.Duration;
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
  /** How often a status read waiting for the fold asks again. */
  static final Duration FOLD_POLL = Duration.ofMillis(50);

  private final StatusClient status;
  private final ResultLookup lookup;
  private final FoldWait foldWait;
  private final ReadBarrier barrier;

  /**
   * Where a status read of a job the gateway knows nothing of waits until any job written before
   * the read began is known to the status API or to {@link FoldWait} ({@link IntakeBarrier}).
   */
  public interface ReadBarrier {
    /** A read's wait, begun now. */
    Crossing begin();

    /** One read's wait. */
    interface Crossing {
      /** True once a job written before {@link ReadBarrier#begin} would be known by now. */
      boolean crossed();
    }
  }

  /**
   * Queries through {@code status}; a status read of a job that {@code foldWait} knows of waits for
   * its fold, and of any other job first for {@code barrier} (see {@link #status}); results come
   * from {@code foldWait}'s recent ones, else from {@code lookup}.
   *
   * @param barrier null: a job the gateway knows nothing of is answered at once
   */
  public JobQueries(
      StatusClient status, ResultLookup lookup, FoldWait foldWait, ReadBarrier barrier) {
    this.status = status;
    this.lookup = lookup;
    this.foldWait = foldWait;
    this.barrier = barrier;
  }

  /**
   * The job's status (JobStatusView as JSON); 404 unknown or not the caller's, 503 not now.
   * Statuses trail the records they are folded from, so a job this gateway has just written to
   * intake, or whose result or lifecycle record it has just read, may not be known to the status
   * API yet: for such a job (the caller's to see) a 404 is asked again every {@link #FOLD_POLL}
   * until {@link FoldWait#until}, and only then answered. A job the gateway knows none of these
   * ways may have been written a moment ago through another replica or straight to Kafka: its 404
   * is asked again until the {@link ReadBarrier} is crossed (at most the fold wait), then as for a
   * known job if it became known, else answered. The crossing takes as long for every id and
   * tenant, so its time tells a tenant nothing of other tenants' jobs.
   */
  public JsonNode status(Caller caller, String jobId) {
    return status(caller, jobId, false);
  }

  /**
   * {@link #status(Caller, String)}; with {@code untilFinal}, a status that is not final yet is
   * asked again too, while the gateway has just read the job's result (the status trails it).
   */
  private JsonNode status(Caller caller, String jobId, boolean untilFinal) {
    String path = "/jobs/" + pathSegment(jobId);
    StatusClient.Response r = ask(path);
    ReadBarrier.Crossing crossing = null;
    Instant crossingUntil = null;
    while (r.status() == 404 || (untilFinal && r.status() == 200 && !terminal(r.body()))) {
      // crossed is asked before until: a job read in the lifecycle records by the crossing is seen
      boolean crossed = crossing != null && crossing.crossed();
      Instant until = foldWait.until(caller, jobId, r.status() == 200);
      if (until == null && r.status() == 404 && barrier != null && !crossed && waits()) {
        if (crossing == null) {
          crossing = barrier.begin();
          crossingUntil = foldWait.clock().instant().plus(foldWait.duration());
          continue; // crossed at once when the topology keeps up: asked before any wait
        }
        until = crossingUntil;
      }
      if (until == null || !foldWait.clock().instant().isBefore(until)) {
        break;
      }
      try {
        Thread.sleep(FOLD_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      r = ask(path);
    }
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

  private boolean waits() {
    return !foldWait.duration().isZero();
  }

  /** The job's final result, if it has one yet (empty while it is still on its way). */
  public Optional<JsonNode> result(Caller caller, String jobId) {
    JsonNode st = status(caller, jobId, true);
    if (!terminal(st)) {
      return Optional.empty();
    }
    Optional<JsonNode> fresh = foldWait.recentResult(jobId);
    if (fresh.isPresent()) {
      return fresh;
    }
    String finished = st.path("finishedAt").asText("");
    return finished.isEmpty() ? Optional.empty() : lookup.find(jobId, Instant.parse(finished));
  }

  private static boolean terminal(JsonNode status) {
    return status.path("terminal").asBoolean(false);
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

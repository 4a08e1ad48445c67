package dev.runex.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.control.Controls;
import dev.runex.gateway.intake.JobSubmitter;
import dev.runex.gateway.intake.ResultWaiter;
import dev.runex.gateway.status.JobQueries;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.lifecycle.TraceParents;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The jobs endpoints: submit one ({@code ?wait=30s} waits for and returns the result) or a batch, a
 * job's status, result and transitions, listings, and cancel.
 */
public final class JobsApi {
  private static final Set<String> BATCH_FIELDS = Set.of("jobs");
  private static final Set<String> REASON_FIELDS = Set.of("reason");

  private final JobSubmitter submitter;
  private final ResultWaiter results;
  private final JobQueries jobs;
  private final Controls controls;
  private final MeterRegistry meters;
  private final Duration maxWait;
  private final int maxBatch;

  public JobsApi(
      RunexConfig cfg,
      JobSubmitter submitter,
      ResultWaiter results,
      JobQueries jobs,
      Controls controls,
      MeterRegistry meters) {
    this.submitter = submitter;
    this.results = results;
    this.jobs = jobs;
    this.controls = controls;
    this.meters = meters;
    this.maxWait = cfg.duration(Settings.GATEWAY_MAX_WAIT);
    this.maxBatch = cfg.intValue(Settings.GATEWAY_MAX_BATCH);
  }

  /** {@code POST /api/v1/jobs[?wait=30s]}. */
  public void submit(Context ctx) throws InterruptedException {
    Caller caller = Authenticator.caller(ctx);
    Duration wait = Responses.durationParam(ctx, "wait", maxWait);
    JobSubmitter.Prepared job = prepareCounted(caller, ctx.bodyAsBytes());
    CompletableFuture<JsonNode> result = wait == null ? null : results.expect(job.jobId());
    JobSubmitter.Submitted s;
    try {
      s = submitter.send(List.of(job), ctx.header(TraceParents.HEADER)).get(0);
    } catch (RuntimeException e) {
      results.forget(job.jobId());
      throw e;
    }
    ObjectNode body = submitted(s);
    if (result == null) {
      ctx.header("Location", "/api/v1/jobs/" + s.jobId());
      Responses.json(ctx, 202, body);
      return;
    }
    try {
      body.set("result", result.get(wait.toMillis(), TimeUnit.MILLISECONDS));
      Responses.json(ctx, 200, body);
    } catch (TimeoutException e) {
      results.forget(job.jobId());
      body.putNull("result");
      body.put("detail", "no result within " + wait + "; it may still be queued or running");
      ctx.header("Location", "/api/v1/jobs/" + s.jobId());
      Responses.json(ctx, 202, body);
    } catch (ExecutionException e) {
      throw Problem.unavailable("waiting for the result failed: " + e.getCause());
    }
  }

  private JobSubmitter.Prepared prepareCounted(Caller caller, byte[] body) {
    try {
      JobSubmitter.Prepared p = submitter.prepare(caller, body);
      RunexMeters.GATEWAY_SUBMITTED.counter(meters, "accepted").increment();
      return p;
    } catch (Problem p) {
      RunexMeters.GATEWAY_SUBMITTED.counter(meters, p.code()).increment();
      throw p;
    }
  }

  /**
   * {@code POST /api/v1/jobs/batch} with {@code {"jobs": [...]}}: each job is checked on its own;
   * the accepted ones are written, the refused ones answered with their problem.
   */
  public void batch(Context ctx) throws InterruptedException {
    Caller caller = Authenticator.caller(ctx);
    ObjectNode body = JsonBodies.object(ctx.bodyAsBytes(), BATCH_FIELDS);
    JsonNode items = body.path("jobs");
    if (!items.isArray() || items.isEmpty()) {
      throw Problem.badRequest("BAD_FIELD", "jobs must be a non-empty array of job requests");
    }
    if (items.size() > maxBatch) {
      throw new Problem(
          413,
          "BATCH_TOO_LARGE",
          "a batch holds at most " + maxBatch + " jobs, had " + items.size());
    }
    List<JobSubmitter.Prepared> accepted = new ArrayList<>();
    List<Integer> acceptedIndex = new ArrayList<>();
    ArrayNode out = AvroJson.MAPPER.createArrayNode();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode item = out.addObject().put("index", i);
      try {
        byte[] bytes = AvroJson.MAPPER.writeValueAsBytes(items.get(i));
        accepted.add(prepareCounted(caller, bytes));
        acceptedIndex.add(i);
      } catch (Problem p) {
        item.set("problem", p.body(ctx.path()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    List<JobSubmitter.Submitted> sent = submitter.send(accepted, ctx.header(TraceParents.HEADER));
    for (int k = 0; k < sent.size(); k++) {
      ObjectNode item = (ObjectNode) out.get(acceptedIndex.get(k));
      item.setAll(submitted(sent.get(k)));
    }
    ObjectNode answer = AvroJson.MAPPER.createObjectNode();
    answer.put("accepted", sent.size());
    answer.put("refused", items.size() - sent.size());
    answer.set("jobs", out);
    Responses.json(ctx, sent.isEmpty() ? 422 : 200, answer);
  }

  private static ObjectNode submitted(JobSubmitter.Submitted s) {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("jobId", s.jobId());
    n.put("partition", s.partition());
    n.put("offset", s.offset());
    return n;
  }

  /** {@code GET /api/v1/jobs/{id}}. */
  public void status(Context ctx) {
    Responses.json(ctx, 200, jobs.status(Authenticator.caller(ctx), ctx.pathParam("id")));
  }

  /** {@code GET /api/v1/jobs/{id}/transitions}. */
  public void transitions(Context ctx) {
    JsonNode st = jobs.status(Authenticator.caller(ctx), ctx.pathParam("id"));
    ObjectNode out = AvroJson.MAPPER.createObjectNode();
    out.put("jobId", st.path("jobId").asText());
    out.set("transitions", st.path("history"));
    out.put("dropped", st.path("historyDropped").asInt());
    Responses.json(ctx, 200, out);
  }

  /** {@code GET /api/v1/jobs/{id}/result}: 404 while the job has no result. */
  public void result(Context ctx) {
    String id = ctx.pathParam("id");
    Optional<JsonNode> r = jobs.result(Authenticator.caller(ctx), id);
    Responses.json(
        ctx,
        200,
        r.orElseThrow(
            () ->
                new Problem(
                    404, "NO_RESULT_YET", "job " + id + " has no result yet (see its status)")));
  }

  /**
   * {@code GET
   * /api/v1/jobs?tenant=&type=&state=&label=&submittedFrom=&submittedTo=&limit=&pageToken=}.
   */
  public void list(Context ctx) {
    JobQueries.Listing l =
        new JobQueries.Listing(
            ctx.queryParam("tenant"),
            ctx.queryParam("type"),
            ctx.queryParam("state"),
            ctx.queryParam("label"),
            ctx.queryParam("submittedFrom"),
            ctx.queryParam("submittedTo"),
            Responses.intParam(ctx, "limit", 1, 1000),
            ctx.queryParam("pageToken"));
    Responses.json(ctx, 200, jobs.list(Authenticator.caller(ctx), l));
  }

  /** {@code POST /api/v1/jobs/{id}/cancel} with an optional {@code {"reason": "..."}}. */
  public void cancel(Context ctx) throws InterruptedException {
    ObjectNode body = JsonBodies.object(ctx.bodyAsBytes(), REASON_FIELDS);
    Controls.Ack ack =
        controls.cancel(
            Authenticator.caller(ctx), ctx.pathParam("id"), JsonBodies.text(body, "reason"));
    Responses.json(ctx, 202, ack(ack));
  }

  static ObjectNode ack(Controls.Ack a) {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("target", a.target());
    n.put("action", a.action());
    n.put("partition", a.partition());
    n.put("offset", a.offset());
    return n;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}

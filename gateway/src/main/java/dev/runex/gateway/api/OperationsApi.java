package dev.runex.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.audit.AuditLog;
import dev.runex.gateway.control.Controls;
import dev.runex.gateway.control.PausedTargets;
import dev.runex.gateway.overview.Backlog;
import dev.runex.gateway.overview.LiveOverview;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.overview.OverviewSource;
import dev.runex.gateway.overview.PoolStats;
import dev.runex.gateway.schedules.ScheduleCatalog;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.json.AvroJson;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Pause and resume (tenants, types, pools, schedules), pauses, schedules, overview, audit. */
public final class OperationsApi {
  private static final Set<String> REASON_FIELDS = Set.of("reason");

  private final Controls controls;
  private final PausedTargets paused;
  private final ScheduleCatalog schedules;
  private final OverviewSource overview;
  private final AuditLog audit;

  public OperationsApi(
      Controls controls,
      PausedTargets paused,
      ScheduleCatalog schedules,
      OverviewSource overview,
      AuditLog audit) {
    this.controls = controls;
    this.paused = paused;
    this.schedules = schedules;
    this.overview = overview;
    this.audit = audit;
  }

  /** {@code POST /api/v1/{kind}/{name}/pause} for tenants, types, pools and schedules. */
  public void pause(Context ctx, Controls.Kind kind) throws InterruptedException {
    ObjectNode body = JsonBodies.object(ctx.bodyAsBytes(), REASON_FIELDS);
    Controls.Ack a =
        controls.pause(
            Authenticator.caller(ctx),
            kind,
            ctx.pathParam("name"),
            JsonBodies.text(body, "reason"));
    Responses.json(ctx, 202, JobsApi.ack(a));
  }

  /** {@code POST /api/v1/{kind}/{name}/resume}. */
  public void resume(Context ctx, Controls.Kind kind) throws InterruptedException {
    ObjectNode body = JsonBodies.object(ctx.bodyAsBytes(), REASON_FIELDS);
    Controls.Ack a =
        controls.resume(
            Authenticator.caller(ctx),
            kind,
            ctx.pathParam("name"),
            JsonBodies.text(body, "reason"));
    Responses.json(ctx, 202, JobsApi.ack(a));
  }

  /** {@code GET /api/v1/pauses}: what is paused (a tenant sees the pauses that hold its jobs). */
  public void pauses(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    ArrayNode out = AvroJson.MAPPER.createArrayNode();
    for (Map.Entry<String, ControlCommand> e : paused.paused().entrySet()) {
      String target = e.getKey();
      boolean visible =
          caller.isOperator()
              || LiveOverview.affects(target, caller.tenant().get())
              || (target.startsWith("schedule:")
                  && schedules.find(caller, target.substring("schedule:".length())).isPresent());
      if (visible) {
        ControlCommand c = e.getValue();
        out.addObject()
            .put("target", target)
            .put("pausedBy", c.getRequestedBy())
            .put("since", c.getTime().toString())
            .put("reason", c.getReason());
      }
    }
    ObjectNode body = AvroJson.MAPPER.createObjectNode();
    body.set("pauses", out);
    Responses.json(ctx, 200, body);
  }

  /** {@code GET /api/v1/schedules}. */
  public void schedules(Context ctx) {
    ArrayNode out = AvroJson.MAPPER.createArrayNode();
    for (ScheduleCatalog.Entry s : schedules.list(Authenticator.caller(ctx))) {
      ObjectNode n =
          out.addObject()
              .put("name", s.name())
              .put("cron", s.cron())
              .put("zone", s.zone())
              .put("tenant", s.tenant())
              .put("type", s.type())
              .put("overlap", s.overlap())
              .put("catchUp", s.catchUp())
              .put("origin", s.origin())
              .put("paused", s.paused());
      ArrayNode next = n.putArray("nextFireTimes");
      s.nextFireTimes().forEach(t -> next.add(t.toString()));
    }
    ObjectNode body = AvroJson.MAPPER.createObjectNode();
    body.set("schedules", out);
    Responses.json(ctx, 200, body);
  }

  /** {@code GET /api/v1/overview}. */
  public void overview(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    Responses.json(ctx, 200, toJson(overview.overview(caller.tenant())));
  }

  /** {@code GET /api/v1/audit?limit=}. */
  public void audit(Context ctx) {
    Integer limit = Responses.intParam(ctx, "limit", 1, AuditLog.KEPT);
    ObjectNode body = AvroJson.MAPPER.createObjectNode();
    body.putArray("records")
        .addAll(audit.recent(Authenticator.caller(ctx), limit == null ? 100 : limit));
    Responses.json(ctx, 200, body);
  }

  /** The lifecycle figures of a pool or of one of its priorities, and their time series. */
  private static void figures(ObjectNode n, PoolStats s) {
    n.put("delayed", s.delayed());
    n.put("throttled", s.throttled());
    n.put("inFlight", s.inFlight());
    n.put("startedPerSecond", s.startedPerSecond());
    n.put("finishedPerSecond", s.finishedPerSecond());
    n.put("queueWaitP50Ms", s.queueWaitP50Ms());
    n.put("queueWaitP99Ms", s.queueWaitP99Ms());
    n.put("runP50Ms", s.runP50Ms());
    n.put("runP99Ms", s.runP99Ms());
    n.put("failureRate", s.failureRate());
    ArrayNode series = n.putArray("series");
    for (PoolStats.Point pt : s.series()) {
      series
          .addObject()
          .put("at", Instant.ofEpochMilli(pt.epochMillis()).toString())
          .put("startedPerSecond", pt.started())
          .put("finishedPerSecond", pt.finished())
          .put("waiting", pt.waiting() < 0 ? null : pt.waiting())
          .put("inFlight", pt.inFlight() < 0 ? null : pt.inFlight());
    }
  }

  static ObjectNode toJson(Overview o) {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("at", o.at().toString());
    n.put("tenant", o.tenant());
    ArrayNode pools = n.putArray("pools");
    for (Overview.Pool p : o.pools()) {
      ObjectNode pn = pools.addObject();
      pn.put("pool", p.name());
      ArrayNode backlog = pn.putArray("backlog");
      for (Backlog b : p.backlog()) {
        backlog
            .addObject()
            .put("priority", b.priority())
            .put("waiting", b.waiting())
            .put("oldestWaitingMs", b.oldestWaiting() == null ? null : b.oldestWaiting().toMillis())
            .put("exact", b.exact());
      }
      boolean operator = o.tenant() == null;
      pn.put("waiting", operator ? p.waiting() : null);
      pn.put(
          "oldestWaitingMs",
          p.backlog().stream()
              .map(Backlog::oldestWaiting)
              .filter(d -> d != null)
              .mapToLong(d -> d.toMillis())
              .boxed()
              .max(Long::compare)
              .orElse(null));
      figures(pn, p.stats());
      ArrayNode pausedBy = pn.putArray("pausedBy");
      p.pausedBy().forEach(pausedBy::add);
      ArrayNode priorities = pn.putArray("priorities");
      for (Overview.Priority pr : p.priorities()) {
        ObjectNode row = priorities.addObject();
        row.put("priority", pr.name());
        Backlog b = pr.backlog();
        row.put("waiting", b == null ? null : b.waiting());
        row.put(
            "oldestWaitingMs",
            b == null || b.oldestWaiting() == null ? null : b.oldestWaiting().toMillis());
        figures(row, pr.stats());
      }
    }
    ArrayNode paused = n.putArray("paused");
    for (Overview.Paused p : o.paused()) {
      paused
          .addObject()
          .put("target", p.target())
          .put("pausedBy", p.by())
          .put("since", p.since() == null ? null : p.since().toString())
          .put("reason", p.reason());
    }
    return n;
  }
}

package dev.runex.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.deadletter.DeadLetterEntry;
import dev.runex.gateway.deadletter.DeadLetterQuery;
import dev.runex.gateway.deadletter.DeadLetterReplayer;
import dev.runex.gateway.deadletter.DeadLetterStore;
import dev.runex.gateway.deadletter.ReplayRun;
import dev.runex.schemas.json.AvroJson;
import dev.runex.topology.status.JobFilter;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Dead letters: list and search, show one, replay (dry run, paced, limited, audited). */
public final class DeadLettersApi {
  private static final Set<String> REPLAY_FIELDS =
      Set.of("refs", "filter", "dryRun", "rate", "limit");
  private static final Set<String> FILTER_FIELDS =
      Set.of("tenant", "type", "code", "stage", "from", "to", "text");

  /** Replay pace when the request names none: gentle enough for any downstream system. */
  public static final double DEFAULT_RATE = 10;

  private final DeadLetterStore store;
  private final DeadLetterReplayer replayer;

  public DeadLettersApi(DeadLetterStore store, DeadLetterReplayer replayer) {
    this.store = store;
    this.replayer = replayer;
  }

  /** {@code GET /api/v1/dead-letters?tenant=&type=&code=&stage=&from=&to=&text=&limit=&offset=}. */
  public void list(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    DeadLetterQuery q =
        query(
            ctx.queryParam("tenant"),
            ctx.queryParam("type"),
            ctx.queryParam("code"),
            ctx.queryParam("stage"),
            ctx.queryParam("from"),
            ctx.queryParam("to"),
            ctx.queryParam("text"));
    List<DeadLetterEntry> found = search(caller, q);
    Integer limit = Responses.intParam(ctx, "limit", 1, 1000);
    Integer offset = Responses.intParam(ctx, "offset", 0, Integer.MAX_VALUE);
    int from = offset == null ? 0 : offset;
    int to = Math.min(found.size(), from + (limit == null ? 50 : limit));
    ObjectNode body = AvroJson.MAPPER.createObjectNode();
    body.put("total", found.size());
    ArrayNode items = body.putArray("deadLetters");
    for (int i = from; i < to; i++) {
      items.add(summary(found.get(i)));
    }
    if (to < found.size()) {
      body.put("nextOffset", to);
    } else {
      body.putNull("nextOffset");
    }
    body.put("olderNotHeld", store.dropped());
    Responses.json(ctx, 200, body);
  }

  /** Searches within the caller's tenant; 403 when a tenant key names another tenant. */
  public List<DeadLetterEntry> search(Caller caller, DeadLetterQuery q) {
    if (caller.tenant().isPresent()) {
      if (q.tenant() != null && !q.tenant().equals(caller.tenant().get())) {
        throw Problem.forbidden(
            "TENANT_NOT_PERMITTED", "this key sees tenant '" + caller.tenant().get() + "' only");
      }
      q = q.forTenant(caller.tenant().get());
    }
    return store.search(q);
  }

  /** {@code GET /api/v1/dead-letters/{ref}}. */
  public void show(Context ctx) {
    DeadLetterEntry e = find(Authenticator.caller(ctx), ctx.pathParam("ref"));
    Responses.json(ctx, 200, detail(e, store.topic()));
  }

  /** The dead letter if the caller may see it; 404 otherwise. */
  public DeadLetterEntry find(Caller caller, String ref) {
    return store
        .byRef(ref)
        .filter(e -> caller.sees(e.tenant()))
        .orElseThrow(() -> Problem.notFound("no dead letter " + ref));
  }

  /**
   * {@code POST /api/v1/dead-letters/replay} with {@code {"refs": [...]} | {"filter": {...}},
   * "dryRun": bool, "rate": jobs/s, "limit": n}}.
   */
  public void replay(Context ctx) throws InterruptedException {
    Caller caller = Authenticator.caller(ctx);
    ObjectNode body = JsonBodies.object(ctx.bodyAsBytes(), REPLAY_FIELDS);
    Request r = parse(body);
    DeadLetterReplayer.Plan plan =
        r.refs() != null
            ? replayer.planRefs(caller, r.refs(), r.limit())
            : replayer.planQuery(caller, scopedQuery(caller, r.query()), r.limit());
    if (r.dryRun()) {
      Responses.json(ctx, 200, planJson(plan, r));
      return;
    }
    ReplayRun run = replayer.start(caller, plan, r.rate(), r.selection());
    ObjectNode out = run.toJson();
    out.put("matched", plan.matched());
    ctx.header("Location", "/api/v1/replays/" + run.id());
    Responses.json(ctx, 202, out);
  }

  private DeadLetterQuery scopedQuery(Caller caller, DeadLetterQuery q) {
    if (caller.tenant().isPresent()
        && q.tenant() != null
        && !q.tenant().equals(caller.tenant().get())) {
      throw Problem.forbidden(
          "TENANT_NOT_PERMITTED", "this key sees tenant '" + caller.tenant().get() + "' only");
    }
    return q;
  }

  /** A replay request, checked. */
  public record Request(
      List<String> refs, DeadLetterQuery query, boolean dryRun, double rate, Integer limit) {
    String selection() {
      return refs != null ? "refs " + refs : "filter " + query;
    }
  }

  public static Request parse(ObjectNode body) {
    List<String> refs = null;
    DeadLetterQuery query = null;
    if (body.has("refs") == body.has("filter")) {
      throw Problem.badRequest(
          "BAD_FIELD", "give exactly one of refs (a list) or filter (an object)");
    }
    if (body.has("refs")) {
      JsonNode r = body.get("refs");
      if (!r.isArray() || r.isEmpty()) {
        throw Problem.badRequest(
            "BAD_FIELD", "refs must be a non-empty list of dead-letter references");
      }
      refs = new ArrayList<>();
      for (JsonNode x : r) {
        if (!x.isTextual()) {
          throw Problem.badRequest(
              "BAD_FIELD", "refs holds references like \"3-17\" (partition-offset)");
        }
        refs.add(x.asText());
      }
    } else {
      JsonNode f = body.get("filter");
      if (!f.isObject()) {
        throw Problem.badRequest("BAD_FIELD", "filter must be an object");
      }
      JsonBodies.checkFields((ObjectNode) f, FILTER_FIELDS, "filter.");
      ObjectNode fo = (ObjectNode) f;
      query =
          query(
              JsonBodies.text(fo, "tenant"),
              JsonBodies.text(fo, "type"),
              JsonBodies.text(fo, "code"),
              JsonBodies.text(fo, "stage"),
              JsonBodies.text(fo, "from"),
              JsonBodies.text(fo, "to"),
              JsonBodies.text(fo, "text"));
    }
    JsonNode dry = body.get("dryRun");
    if (dry != null && !dry.isBoolean()) {
      throw Problem.badRequest("BAD_FIELD", "dryRun must be true or false");
    }
    double rate = DEFAULT_RATE;
    JsonNode rn = body.get("rate");
    if (rn != null && !rn.isNull()) {
      if (!rn.isNumber()
          || rn.doubleValue() <= 0
          || rn.doubleValue() > DeadLetterReplayer.MAX_RATE) {
        throw Problem.badRequest(
            "BAD_FIELD",
            "rate is jobs per second, above 0 and at most " + DeadLetterReplayer.MAX_RATE);
      }
      rate = rn.doubleValue();
    }
    Integer limit = null;
    JsonNode ln = body.get("limit");
    if (ln != null && !ln.isNull()) {
      if (!ln.isIntegralNumber() || ln.intValue() < 1) {
        throw Problem.badRequest("BAD_FIELD", "limit must be a whole number >= 1");
      }
      limit = ln.intValue();
    }
    return new Request(refs, query, dry != null && dry.booleanValue(), rate, limit);
  }

  public static DeadLetterQuery query(
      String tenant, String type, String code, String stage, String from, String to, String text) {
    try {
      return new DeadLetterQuery(
          tenant,
          type,
          code,
          stage,
          JobFilter.instant("from", from),
          JobFilter.instant("to", to),
          text);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("BAD_PARAMETER", e.getMessage());
    }
  }

  static ObjectNode planJson(DeadLetterReplayer.Plan plan, Request r) {
    ObjectNode out = AvroJson.MAPPER.createObjectNode();
    out.put("dryRun", true);
    out.put("count", plan.items().size());
    out.put("matched", plan.matched());
    out.put("rate", r.rate());
    out.put("seconds", plan.items().size() / r.rate());
    ArrayNode items = out.putArray("deadLetters");
    plan.items().forEach(e -> items.add(summary(e)));
    return out;
  }

  /** {@code GET /api/v1/replays/{id}}. */
  public void replayRun(Context ctx) {
    ReplayRun run =
        replayer
            .run(Authenticator.caller(ctx), ctx.pathParam("id"))
            .orElseThrow(() -> Problem.notFound("no replay " + ctx.pathParam("id")));
    Responses.json(ctx, 200, run.toJson());
  }

  /** {@code GET /api/v1/replays}. */
  public void replayRuns(Context ctx) {
    ObjectNode body = AvroJson.MAPPER.createObjectNode();
    ArrayNode runs = body.putArray("replays");
    replayer.runs(Authenticator.caller(ctx)).forEach(r -> runs.add(r.toJson()));
    Responses.json(ctx, 200, body);
  }

  public static ObjectNode summary(DeadLetterEntry e) {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("ref", e.ref());
    n.put("jobId", e.jobId());
    n.put("tenant", e.tenant());
    n.put("type", e.type());
    n.put("stage", e.stage());
    n.put("code", e.code());
    n.put("message", e.message());
    n.put("attempts", e.value().path("attempts").asInt());
    Instant at = e.failedAt();
    n.put("failedAt", at.toString());
    return n;
  }

  public static ObjectNode detail(DeadLetterEntry e, String topic) {
    ObjectNode n = summary(e);
    n.put("coordinates", e.coordinates(topic));
    n.put("key", e.keyText());
    n.set("deadLetter", e.value());
    e.originalBytes()
        .ifPresent(
            bytes -> {
              n.put("originalText", e.originalText().orElse(null));
              n.put("originalBase64", Base64.getEncoder().encodeToString(bytes));
            });
    return n;
  }
}

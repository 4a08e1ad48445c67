package dev.runex.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.gateway.GatewayParts;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.DeadLettersApi;
import dev.runex.gateway.api.Problem;
import dev.runex.gateway.control.Controls;
import dev.runex.gateway.deadletter.DeadLetterEntry;
import dev.runex.gateway.deadletter.DeadLetterQuery;
import dev.runex.gateway.deadletter.DeadLetterReplayer;
import dev.runex.gateway.deadletter.ReplayRun;
import dev.runex.gateway.intake.JobSubmitter;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.status.JobQueries;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The console's pages: server-rendered HTML, htmx for the live parts (the overview refreshes every
 * two seconds, an unfinished job's page and a running replay refresh themselves). Login is by API
 * key: the form checks it and sets an HttpOnly, SameSite=Strict session cookie (the key itself is
 * never stored in the browser). Every page acts with the same rules as the API: a tenant key sees
 * and acts on its own tenant only.
 */
public final class ConsoleRoutes {
  private ConsoleRoutes() {}

  public static boolean isConsole(Context ctx) {
    String p = ctx.path();
    return p.equals("/") || p.startsWith("/console") || p.equals("/login") || p.equals("/logout");
  }

  public static void register(RoutesConfig r, GatewayParts p) {
    r.before("/console", ctx -> requireLogin(ctx, p));
    r.before("/console/*", ctx -> requireLogin(ctx, p));
    r.get("/", ctx -> ctx.redirect("/console"));
    r.get("/login", ctx -> login(ctx, null, 200));
    r.post("/login", ctx -> doLogin(ctx, p));
    r.post("/logout", ConsoleRoutes::logout);
    r.get("/console", ctx -> overviewPage(ctx, p));
    r.get("/console/overview", ctx -> html(ctx, OverviewView.fragment(overview(ctx, p))));
    r.get("/console/jobs", ctx -> jobsPage(ctx, p));
    r.post("/console/jobs", ctx -> submit(ctx, p));
    r.get("/console/jobs/{id}", ctx -> jobPage(ctx, p));
    r.post("/console/jobs/{id}/cancel", ctx -> cancel(ctx, p));
    r.get("/console/dead-letters", ctx -> deadLettersPage(ctx, p));
    r.get("/console/dead-letters/{ref}", ctx -> deadLetterPage(ctx, p));
    r.post("/console/dead-letters/replay", ctx -> replay(ctx, p));
    r.get("/console/replays/{id}", ctx -> replayPage(ctx, p));
    r.get(
        "/console/schedules",
        ctx ->
            page(
                ctx,
                "Schedules",
                "schedules",
                OperationsViews.schedules(p.schedules().list(caller(ctx)))));
    r.get("/console/pauses", ctx -> pausesPage(ctx, p));
    r.post("/console/pauses", ctx -> pause(ctx, p));
    r.post("/console/{kind}/{name}/pause", ctx -> control(ctx, p, true));
    r.post("/console/{kind}/{name}/resume", ctx -> control(ctx, p, false));
    r.get(
        "/console/audit",
        ctx ->
            page(ctx, "Audit", "audit", OperationsViews.audit(p.audit().recent(caller(ctx), 200))));
  }

  private static Caller caller(Context ctx) {
    return Authenticator.caller(ctx);
  }

  private static void requireLogin(Context ctx, GatewayParts p) {
    if (p.auth().identify(ctx).isPresent()) {
      return;
    }
    if (ctx.header("HX-Request") != null) {
      ctx.header("HX-Redirect", "/login");
      throw new Problem(401, "UNAUTHORIZED", "log in again");
    }
    ctx.redirect("/login");
    ctx.skipRemainingHandlers();
  }

  private static void login(Context ctx, String error, int status) {
    String body =
        "<h1>Log in</h1><form method=\"post\" action=\"/login\" class=\"login\">"
            + "<label>API key <input type=\"password\" name=\"key\" autocomplete=\"off\" autofocus data-testid=\"key\"></label>"
            + "<button data-testid=\"login\">Log in</button></form>"
            + (error == null
                ? ""
                : "<p class=\"error\" data-testid=\"login-error\">" + Html.esc(error) + "</p>")
            + "<p class=\"muted\">An operator key sees every tenant; a tenant key sees its own tenant.</p>";
    ctx.status(status)
        .contentType("text/html; charset=utf-8")
        .result(Html.page("Log in", null, "", body));
  }

  private static void doLogin(Context ctx, GatewayParts p) {
    Optional<Caller> caller = p.auth().byKey(ctx.formParam("key"));
    if (caller.isEmpty()) {
      login(ctx, "That key is not known.", 401);
      return;
    }
    String token = p.auth().sessions().open(caller.get());
    int maxAge = (int) Math.min(Integer.MAX_VALUE, p.auth().sessions().timeout().toSeconds());
    ctx.cookie(sessionCookie(ctx, token, maxAge));
    ctx.redirect("/console");
  }

  /**
   * Logging out clears the cookie in this browser. Logins are signed tokens no gateway remembers
   * (so that every replica accepts them): a copy of the cookie stays valid until it expires.
   */
  private static void logout(Context ctx) {
    ctx.cookie(sessionCookie(ctx, "", 0));
    ctx.redirect("/login");
  }

  /** HttpOnly, SameSite=Strict, and Secure when the browser reached the gateway over HTTPS. */
  private static Cookie sessionCookie(Context ctx, String value, int maxAge) {
    boolean https =
        ctx.scheme().equals("https") || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    return new Cookie(
        Authenticator.SESSION_COOKIE, value, "/", maxAge, https, true, null, SameSite.STRICT);
  }

  private static Overview overview(Context ctx, GatewayParts p) {
    return p.overview().overview(caller(ctx).tenant());
  }

  private static void overviewPage(Context ctx, GatewayParts p) {
    String body =
        "<h1>Overview</h1><div id=\"overview\" hx-get=\"/console/overview\" hx-trigger=\"every 2s\" "
            + "hx-swap=\"innerHTML\">"
            + OverviewView.fragment(overview(ctx, p))
            + "</div>";
    page(ctx, "Overview", "overview", body);
  }

  private static JobQueries.Listing listing(Context ctx) {
    String limit = ctx.queryParam("limit");
    return new JobQueries.Listing(
        ctx.queryParam("tenant"),
        ctx.queryParam("type"),
        ctx.queryParam("state"),
        ctx.queryParam("label"),
        ctx.queryParam("submittedFrom"),
        ctx.queryParam("submittedTo"),
        limit == null || limit.isBlank() ? 50 : Integer.parseInt(limit),
        ctx.queryParam("pageToken"));
  }

  private static void jobsPage(Context ctx, GatewayParts p) {
    JobQueries.Listing l = listing(ctx);
    JsonNode page = null;
    String error = null;
    try {
      page = p.jobs().list(caller(ctx), l);
    } catch (Problem e) {
      error = e.getMessage();
    }
    page(ctx, "Jobs", "jobs", JobViews.search(caller(ctx), l, page, error));
  }

  private static void submit(Context ctx, GatewayParts p) throws InterruptedException {
    String json = ctx.formParam("job");
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    JobSubmitter.Prepared prepared = p.submitter().prepare(caller(ctx), body);
    JobSubmitter.Submitted s = p.submitter().send(List.of(prepared), null).get(0);
    ctx.redirect("/console/jobs/" + Html.seg(s.jobId()));
  }

  private static void jobPage(Context ctx, GatewayParts p) {
    String id = ctx.pathParam("id");
    JsonNode st;
    try {
      st = p.jobs().status(caller(ctx), id);
    } catch (Problem e) {
      if (e.status() == 404 && ctx.queryParam("fragment") == null) {
        // just submitted: the status store may not have its first event yet
        page(
            ctx,
            "Job " + id,
            "jobs",
            "<div id=\"job\" hx-get=\"/console/jobs/"
                + Html.seg(id)
                + "?fragment=1\" hx-trigger=\"every 1s\" hx-swap=\"outerHTML\"><h1>Job <code>"
                + Html.esc(id)
                + "</code></h1><p class=\"muted\" data-testid=\"not-yet\">No status for this job (yet).</p></div>");
        ctx.status(404);
        return;
      }
      throw e;
    }
    Optional<JsonNode> result = p.jobs().result(caller(ctx), id);
    String body = JobViews.job(st, result);
    if (ctx.queryParam("fragment") != null) {
      html(ctx, body);
    } else {
      page(ctx, "Job " + id, "jobs", body);
    }
  }

  private static void cancel(Context ctx, GatewayParts p) throws InterruptedException {
    String id = ctx.pathParam("id");
    p.controls().cancel(caller(ctx), id, blankToNull(ctx.formParam("reason")));
    ctx.redirect("/console/jobs/" + Html.seg(id));
  }

  private static DeadLetterViews.Filter filter(Context ctx, boolean form) {
    java.util.function.Function<String, String> get = form ? ctx::formParam : ctx::queryParam;
    return new DeadLetterViews.Filter(
        blankToNull(get.apply("tenant")),
        blankToNull(get.apply("type")),
        blankToNull(get.apply("code")),
        blankToNull(get.apply("stage")),
        blankToNull(get.apply("from")),
        blankToNull(get.apply("to")),
        blankToNull(get.apply("text")));
  }

  private static DeadLetterQuery query(DeadLetterViews.Filter f) {
    return DeadLettersApi.query(
        f.tenant(), f.type(), f.code(), f.stage(), f.from(), f.to(), f.text());
  }

  private static void deadLettersPage(Context ctx, GatewayParts p) {
    DeadLetterViews.Filter f = filter(ctx, false);
    List<DeadLetterEntry> found = p.deadLettersApi().search(caller(ctx), query(f));
    page(
        ctx,
        "Dead letters",
        "dead-letters",
        DeadLetterViews.list(caller(ctx), f, found, p.deadLetters().dropped()));
  }

  private static void deadLetterPage(Context ctx, GatewayParts p) {
    DeadLetterEntry e = p.deadLettersApi().find(caller(ctx), ctx.pathParam("ref"));
    page(
        ctx,
        "Dead letter " + e.ref(),
        "dead-letters",
        DeadLetterViews.detail(e, p.deadLetters().topic()));
  }

  private static void replay(Context ctx, GatewayParts p) throws InterruptedException {
    Caller caller = caller(ctx);
    DeadLetterViews.Filter f = filter(ctx, true);
    List<String> refs = new ArrayList<>(new TreeSet<>(ctx.formParams("ref")));
    double rate = number(ctx.formParam("rate"), DeadLettersApi.DEFAULT_RATE);
    if (rate <= 0 || rate > DeadLetterReplayer.MAX_RATE) {
      throw Problem.badRequest(
          "BAD_FIELD",
          "rate is jobs per second, above 0 and at most " + DeadLetterReplayer.MAX_RATE);
    }
    String limitText = blankToNull(ctx.formParam("limit"));
    Integer limit = limitText == null ? null : (int) number(limitText, 0);
    if (limit != null && limit < 1) {
      throw Problem.badRequest("BAD_FIELD", "at most must be a whole number >= 1");
    }
    DeadLetterReplayer.Plan plan =
        refs.isEmpty()
            ? p.replayer().planQuery(caller, scoped(caller, query(f)), limit)
            : p.replayer().planRefs(caller, refs, limit);
    if (!"replay".equals(ctx.formParam("mode"))) {
      page(
          ctx, "Replay: dry run", "dead-letters", DeadLetterViews.plan(plan, f, refs, rate, limit));
      return;
    }
    ReplayRun run =
        p.replayer()
            .start(caller, plan, rate, refs.isEmpty() ? "filter " + query(f) : "refs " + refs);
    ctx.redirect("/console/replays/" + Html.seg(run.id()));
  }

  private static DeadLetterQuery scoped(Caller caller, DeadLetterQuery q) {
    if (caller.tenant().isPresent()
        && q.tenant() != null
        && !q.tenant().equals(caller.tenant().get())) {
      throw Problem.notFound("no dead letters of tenant " + q.tenant());
    }
    return q;
  }

  private static void replayPage(Context ctx, GatewayParts p) {
    ReplayRun run =
        p.replayer()
            .run(caller(ctx), ctx.pathParam("id"))
            .orElseThrow(() -> Problem.notFound("no replay " + ctx.pathParam("id")));
    if (ctx.queryParam("fragment") != null) {
      html(ctx, DeadLetterViews.run(run));
    } else {
      page(ctx, "Replay", "dead-letters", DeadLetterViews.run(run));
    }
  }

  private static void pausesPage(Context ctx, GatewayParts p) {
    Caller caller = caller(ctx);
    List<Overview.Paused> paused = p.overview().overview(caller.tenant()).paused();
    page(
        ctx,
        "Pauses",
        "pauses",
        OperationsViews.pauses(
            caller,
            paused,
            new ArrayList<>(p.cfg().pools()),
            new ArrayList<>(new TreeSet<>(p.cfg().jobTypes().keySet()))));
  }

  private static void pause(Context ctx, GatewayParts p) throws InterruptedException {
    Controls.Kind kind = Controls.Kind.parse(String.valueOf(ctx.formParam("kind")));
    p.controls()
        .pause(caller(ctx), kind, ctx.formParam("name"), blankToNull(ctx.formParam("reason")));
    ctx.redirect("/console/pauses");
  }

  private static void control(Context ctx, GatewayParts p, boolean pause)
      throws InterruptedException {
    Controls.Kind kind = Controls.Kind.parse(ctx.pathParam("kind"));
    String name = ctx.pathParam("name");
    String reason = blankToNull(ctx.formParam("reason"));
    if (pause) {
      p.controls().pause(caller(ctx), kind, name, reason);
    } else {
      p.controls().resume(caller(ctx), kind, name, reason);
    }
    ctx.redirect(kind == Controls.Kind.SCHEDULE ? "/console/schedules" : "/console/pauses");
  }

  private static double number(String text, double dflt) {
    if (text == null || text.isBlank()) {
      return dflt;
    }
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw Problem.badRequest("BAD_FIELD", "not a number: " + text);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static void page(Context ctx, String title, String active, String body) {
    html(ctx, Html.page(title, caller(ctx), active, body));
  }

  private static void html(Context ctx, String html) {
    ctx.contentType("text/html; charset=utf-8").result(html);
  }

  /** A problem as a console page (or, for an htmx request, as a fragment). */
  public static void problemPage(Context ctx, Problem e) {
    Caller caller = null;
    try {
      caller = ctx.attribute("runex.caller");
    } catch (RuntimeException ignored) {
      // not logged in
    }
    String body =
        "<h1>"
            + e.status()
            + " "
            + Html.esc(e.code())
            + "</h1><p class=\"error\" data-testid=\"problem\">"
            + Html.esc(e.getMessage())
            + "</p><p><a href=\"javascript:history.back()\">back</a></p>";
    ctx.status(e.status()).contentType("text/html; charset=utf-8");
    ctx.result(ctx.header("HX-Request") != null ? body : Html.page("Error", caller, "", body));
  }
}

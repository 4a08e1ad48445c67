package dev.runex.gateway;

import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.api.ApiRoutes;
import dev.runex.gateway.api.Problem;
import dev.runex.gateway.api.Responses;
import dev.runex.gateway.console.ConsoleRoutes;
import dev.runex.gateway.health.GatewayHealth;
import dev.runex.monitoring.RunexMeters;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.RedirectResponse;
import io.javalin.http.staticfiles.Location;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP server (Javalin on Jetty): the API under {@code /api/v1} (a key required, JSON
 * answers, errors as {@code application/problem+json}), the console under {@code /console} (a login
 * session required, server-rendered HTML with htmx from a webjar), and, open to anyone who can
 * reach the port, {@code /openapi.yaml}, {@code /health/live}, {@code /health/ready} and {@code
 * /metrics}. Request bodies larger than the cap are refused with 413 and never decoded (see {@link
 * #discardSoTheAnswerArrives} for how the answer still reaches the client).
 */
public final class GatewayServer {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
  private static final String STARTED = "runex.started";
  private static final long DISCARD_FACTOR = 4;

  private GatewayServer() {}

  /**
   * Before a 413: a client that sent {@code Expect: 100-continue} has not sent the body and never
   * will (nothing is read, so no 100 goes out). A client that sends the body without waiting is
   * still writing it; if the server closed the connection with those bytes unread, the kernel would
   * reset it and the client would lose the 413 too. So a body up to {@link #DISCARD_FACTOR} times
   * the cap is read and thrown away first; a larger one is refused unread and the connection is
   * closed (such a client should send {@code Expect: 100-continue}, as curl does for large bodies).
   */
  private static void discardSoTheAnswerArrives(Context ctx, long length, long cap) {
    if ("100-continue".equalsIgnoreCase(ctx.header("Expect")) || length > DISCARD_FACTOR * cap) {
      return;
    }
    byte[] sink = new byte[64 * 1024];
    try (InputStream in = ctx.req().getInputStream()) {
      long left = length;
      while (left > 0) {
        int n = in.read(sink, 0, (int) Math.min(sink.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      log.debug("a refused body was cut short: {}", e.toString());
    }
  }

  /** The app with every route, not started. */
  public static Javalin create(GatewayParts p) {
    return Javalin.create(c -> configure(c, p));
  }

  private static void configure(JavalinConfig c, GatewayParts p) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.http.maxRequestSize = p.maxRequestBytes();
    c.staticFiles.enableWebjars();
    c.staticFiles.add(
        sf -> {
          sf.hostedPath = "/console/static";
          sf.directory = "/console-static";
          sf.location = Location.CLASSPATH;
        });
    c.requestLogger.http((ctx, ms) -> record(p.meters(), ctx));
    var r = c.routes;
    r.before(
        ctx -> {
          ctx.attribute(STARTED, System.nanoTime());
          long length = ctx.contentLength();
          if (length > p.maxRequestBytes()) {
            discardSoTheAnswerArrives(ctx, length, p.maxRequestBytes());
            throw new Problem(
                413,
                "TOO_LARGE",
                "the body is "
                    + length
                    + " bytes; the gateway reads at most "
                    + p.maxRequestBytes());
          }
        });
    r.before(
        ApiRoutes.PREFIX + "/*",
        ctx -> {
          if (p.auth().identify(ctx).isEmpty()) {
            throw Problem.unauthorized();
          }
        });
    r.exception(Problem.class, (e, ctx) -> renderProblem(ctx, e));
    r.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          if (e instanceof RedirectResponse) {
            ctx.status(e.getStatus());
          } else {
            renderProblem(ctx, new Problem(e.getStatus(), codeOf(e.getStatus()), e.getMessage()));
          }
        });
    r.exception(
        Exception.class,
        (e, ctx) -> {
          log.warn("{} {} failed", ctx.method(), ctx.path(), e);
          renderProblem(ctx, new Problem(500, "INTERNAL", "the gateway failed: " + e));
        });
    r.error(
        404,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            renderProblem(
                ctx, Problem.notFound("no such resource: " + ctx.method() + " " + ctx.path()));
          }
        });
    r.error(
        405,
        ctx ->
            renderProblem(
                ctx,
                new Problem(
                    405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed on " + ctx.path())));
    ApiRoutes.register(r, p.jobsApi(), p.operationsApi(), p.deadLettersApi());
    ConsoleRoutes.register(r, p);
    r.get("/openapi.yaml", GatewayServer::openApi);
    r.get("/health/live", ctx -> Responses.json(ctx, 200, GatewayHealth.live()));
    r.get(
        "/health/ready",
        ctx -> {
          var ready = p.health().ready();
          Responses.json(ctx, "UP".equals(ready.path("status").asText()) ? 200 : 503, ready);
        });
    r.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(p.meters().scrape()));
  }

  private static void renderProblem(Context ctx, Problem e) {
    if (ConsoleRoutes.isConsole(ctx)) {
      ConsoleRoutes.problemPage(ctx, e);
    } else {
      Responses.problem(ctx, e);
    }
  }

  private static String codeOf(int status) {
    return switch (status) {
      case 413 -> "TOO_LARGE";
      case 400 -> "BAD_REQUEST";
      case 404 -> "NOT_FOUND";
      default -> "HTTP_" + status;
    };
  }

  private static void openApi(Context ctx) throws IOException {
    try (InputStream in = GatewayServer.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the gateway's jar");
      }
      ctx.contentType("application/yaml; charset=utf-8").result(in.readAllBytes());
    }
  }

  private static void record(PrometheusMeterRegistry meters, Context ctx) {
    Long started = ctx.attribute(STARTED);
    if (started == null) {
      return;
    }
    String route;
    try {
      var endpoint = ctx.endpoints().lastHttpEndpoint();
      route = endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    if (route.startsWith("/webjars") || route.startsWith("/console/static")) {
      route = "static";
    }
    RunexMeters.GATEWAY_REQUESTS
        .timer(meters, route, Integer.toString(ctx.status().getCode()))
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /** Who asks: for handlers behind the API's key check. */
  static Authenticator auth(GatewayParts p) {
    return p.auth();
  }
}

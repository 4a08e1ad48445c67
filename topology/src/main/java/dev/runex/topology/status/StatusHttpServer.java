package dev.runex.topology.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.json.AvroJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job status HTTP API of one topology instance (JDK HttpServer, JSON):
 *
 * <ul>
 *   <li>{@code GET /jobs/<id>} → 200 the job's {@code JobStatusView}; 404 unknown or expired; 503
 *       its owner cannot answer right now (retry);
 *   <li>{@code GET
 *       /jobs?tenant=&type=&state=&label=k=v,...&submittedFrom=&submittedTo=&limit=&pageToken=} →
 *       200 {@code {"jobs": [...], "nextPageToken": "..." | null}}, in job-id order, {@code limit}
 *       1 to {@value #MAX_LIMIT} (default {@value #DEFAULT_LIMIT}); 400 for a bad parameter;
 *   <li>{@code local=true} marks a request from another instance: answer from here, never forward.
 * </ul>
 *
 * Bound before Kafka Streams starts, because its address is the instance's {@code
 * application.server}.
 */
public final class StatusHttpServer implements AutoCloseable {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1000;
  private static final Logger log = LoggerFactory.getLogger(StatusHttpServer.class);

  private final HttpServer server;
  private final HostInfo advertised;
  private final ExecutorService executor;

  private StatusHttpServer(HttpServer server, HostInfo advertised) {
    this.server = server;
    this.advertised = advertised;
    // More than one thread: two instances forwarding to each other must not wait on each other.
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "runex-status-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
  }

  /**
   * Binds the configured address (a port in use falls back to a free one), or null when disabled.
   */
  public static StatusHttpServer bind(RunexConfig cfg) {
    int port = cfg.intValue(Settings.TOPOLOGY_STATUS_PORT);
    if (port < 0) {
      return null;
    }
    String host = cfg.string(Settings.TOPOLOGY_STATUS_HOST);
    HttpServer server = open(host, port);
    return new StatusHttpServer(
        server, new HostInfo(advertisedHost(cfg, host), server.getAddress().getPort()));
  }

  /** This instance's {@code application.server}: where other instances and clients reach it. */
  public HostInfo advertised() {
    return advertised;
  }

  public URI url() {
    return URI.create("http://" + advertised.host() + ":" + advertised.port());
  }

  /** Starts answering with {@code queries}. */
  public void serve(StatusQueries queries) {
    server.createContext("/jobs", exchange -> handle(exchange, queries));
    server.start();
    log.info("job status API: {}/jobs", url());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange, StatusQueries queries) throws IOException {
    try (exchange) {
      try {
        route(exchange, queries);
      } catch (RuntimeException e) {
        log.warn("status request {} failed: {}", exchange.getRequestURI(), e.toString());
        send(exchange, 500, error(e.toString()));
      }
    }
  }

  private void route(HttpExchange exchange, StatusQueries queries) throws IOException {
    if (!"GET".equals(exchange.getRequestMethod())) {
      send(exchange, 405, error("only GET"));
      return;
    }
    String path = exchange.getRequestURI().getPath();
    Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
    boolean local = "true".equals(params.get("local"));
    if (path.equals("/jobs") || path.equals("/jobs/")) {
      list(exchange, queries, params, local);
    } else if (path.startsWith("/jobs/")) {
      lookup(exchange, queries.byId(path.substring("/jobs/".length()), local));
    } else {
      send(exchange, 404, error("no such resource: " + path));
    }
  }

  private static void lookup(HttpExchange exchange, StatusLookup answer) throws IOException {
    if (answer instanceof StatusLookup.Found f) {
      send(exchange, 200, f.job());
    } else if (answer instanceof StatusLookup.Unavailable u) {
      send(exchange, 503, error(u.reason()));
    } else {
      send(
          exchange,
          404,
          error(
              "no status for this job: unknown id, or it finished longer ago than "
                  + "runex.topology.statusRetention"));
    }
  }

  private static void list(
      HttpExchange exchange, StatusQueries queries, Map<String, String> params, boolean local)
      throws IOException {
    JobFilter filter;
    String afterId;
    int limit;
    try {
      filter =
          new JobFilter(
              blankToNull(params.get("tenant")),
              blankToNull(params.get("type")),
              JobFilter.state(params.get("state")),
              JobFilter.labels(params.get("label")),
              JobFilter.instant("submittedFrom", params.get("submittedFrom")),
              JobFilter.instant("submittedTo", params.get("submittedTo")));
      afterId = JobPage.afterId(params.get("pageToken"));
      limit = limit(params.get("limit"));
    } catch (IllegalArgumentException e) {
      send(exchange, 400, error(e.getMessage()));
      return;
    }
    JobPage page;
    try {
      page = queries.list(filter, afterId, limit, local);
    } catch (IOException | org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      send(exchange, 503, error("cannot list jobs right now: " + e.getMessage()));
      return;
    }
    ObjectNode body = AvroJson.MAPPER.createObjectNode();
    body.putArray("jobs").addAll(page.jobs());
    body.put("nextPageToken", page.nextPageToken());
    send(exchange, 200, body);
  }

  private static int limit(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value.trim());
      if (limit >= 1
          && limit <= MAX_LIMIT + 1) { // + 1: a peer asks for one more to see if a page follows
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "limit must be a whole number from 1 to " + MAX_LIMIT + ", was '" + value + "'");
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> out = new HashMap<>();
    if (rawQuery == null) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(
          name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static JsonNode error(String message) {
    return AvroJson.MAPPER.createObjectNode().put("error", message);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = AvroJson.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static HttpServer open(String host, int port) {
    try {
      return HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (BindException e) {
      log.warn("status port {} is in use; serving the status API on a free port instead", port);
      return open(host, 0);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open the status API on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static String advertisedHost(RunexConfig cfg, String bindHost) {
    String configured = cfg.string(Settings.TOPOLOGY_STATUS_ADVERTISED_HOST);
    if (!configured.isBlank()) {
      return configured;
    }
    if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
      return bindHost;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "127.0.0.1";
    }
  }
}

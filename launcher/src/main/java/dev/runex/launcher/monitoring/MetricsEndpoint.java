package dev.runex.launcher.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.monitoring.StoreMetricTags;
import dev.runex.monitoring.health.HealthIndicator;
import dev.runex.monitoring.health.HealthReport;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint every long-running runex process serves on {@code runex.metrics.host}:{@code
 * runex.metrics.port} (a port already in use falls back to a free one, logged, so a second process
 * on one machine still starts): the Prometheus scrape at {@code /metrics}, and the process's health
 * for its supervisor — {@code /health/live} and {@code /health/ready} answer 200 when up and 503
 * when down, with a JSON body naming each check and why it passes or fails (see {@link
 * HealthIndicator}). Until the process hands over its {@link #health(HealthIndicator) indicator} it
 * is live and not ready.
 */
public final class MetricsEndpoint implements AutoCloseable {
  public static final String METRICS_PATH = "/metrics";
  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";

  /** Every path the endpoint serves: probes and scrape configs must use one of these. */
  public static final List<String> ROUTES = List.of(METRICS_PATH, LIVE_PATH, READY_PATH);

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private final JvmGcMetrics gc;
  private volatile HealthIndicator health = HealthIndicator.STARTING;

  private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer server, JvmGcMetrics gc) {
    this.registry = registry;
    this.server = server;
    this.gc = gc;
  }

  public static MetricsEndpoint start(RunexConfig cfg, String process) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("process", process);
    // before any Kafka Streams store meter: one tag key for every kind of store
    registry.config().meterFilter(new StoreMetricTags());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    int port = cfg.intValue(Settings.METRICS_PORT);
    HttpServer server = null;
    if (port >= 0) {
      server = bind(cfg.string(Settings.METRICS_HOST), port);
    }
    MetricsEndpoint endpoint = new MetricsEndpoint(registry, server, gc);
    if (server != null) {
      for (String path : ROUTES) {
        server.createContext(path, exchange -> endpoint.serve(path, exchange));
      }
      server.start();
      LOG.info(
          "metrics: http://{}:{}{} (health: {}, {})",
          cfg.string(Settings.METRICS_HOST),
          server.getAddress().getPort(),
          METRICS_PATH,
          LIVE_PATH,
          READY_PATH);
    }
    return endpoint;
  }

  /** What the process reports from now on at {@link #LIVE_PATH} and {@link #READY_PATH}. */
  public void health(HealthIndicator indicator) {
    this.health = indicator;
  }

  private void serve(String path, HttpExchange exchange) throws IOException {
    try (exchange) {
      // a context matches every path below it too: answer only the exact one
      if (!exchange.getRequestURI().getPath().equals(path)) {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
        return;
      }
      switch (path) {
        case METRICS_PATH ->
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        case LIVE_PATH -> sendHealth(exchange, HealthIndicator::liveness);
        case READY_PATH -> sendHealth(exchange, HealthIndicator::readiness);
        default -> send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    }
  }

  private void sendHealth(HttpExchange exchange, Function<HealthIndicator, HealthReport> question)
      throws IOException {
    HealthReport report;
    try {
      report = question.apply(health);
    } catch (RuntimeException e) {
      report = HealthReport.of(new HealthReport.Check("health", false, "cannot tell: " + e));
    }
    send(
        exchange,
        report.up() ? 200 : 503,
        "application/json",
        JSON.writeValueAsString(body(report)));
  }

  /** {@code {"status":"UP"|"DOWN","checks":[{"name":..,"up":..,"detail":..}]}} */
  static Map<String, Object> body(HealthReport report) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.up() ? "UP" : "DOWN");
    body.put("checks", report.checks());
    return body;
  }

  private static void send(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static HttpServer bind(String host, int port) {
    try {
      return HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (BindException e) {
      LOG.warn("metrics port {} is in use; serving metrics on a free port instead", port);
      try {
        return HttpServer.create(new InetSocketAddress(host, 0), 0);
      } catch (IOException e2) {
        throw new IllegalStateException("cannot open metrics endpoint: " + e2.getMessage(), e2);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open metrics endpoint on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The bound port, or -1 when disabled. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    gc.close();
    registry.close();
  }
}

package dev.runex.launcher.monitoring;

import com.sun.net.httpserver.HttpServer;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus scrape endpoint every runex process serves at {@code /metrics} ({@code
 * runex.metrics.host}:{@code runex.metrics.port}; a port already in use falls back to a free one,
 * logged, so a second process on one machine still starts).
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private final JvmGcMetrics gc;

  private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer server, JvmGcMetrics gc) {
    this.registry = registry;
    this.server = server;
    this.gc = gc;
  }

  public static MetricsEndpoint start(RunexConfig cfg, String process) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("process", process);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    int port = cfg.intValue(Settings.METRICS_PORT);
    HttpServer server = null;
    if (port >= 0) {
      server = bind(cfg.string(Settings.METRICS_HOST), port);
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      LOG.info(
          "metrics: http://{}:{}/metrics",
          cfg.string(Settings.METRICS_HOST),
          server.getAddress().getPort());
    }
    return new MetricsEndpoint(registry, server, gc);
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

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.config.RunexConfig;
import dev.runex.launcher.it.RealKafka;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import dev.runex.workers.HandlerRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus (Debian's {@code prometheus}, as {@code .ci/monitoring-tools} installs it)
 * scrapes a running runex (topology, worker and the backlog meters in one process behind its {@code
 * /metrics} endpoint, as {@code runex local} runs them) with the shipped alert rules loaded: runex
 * metrics and the backlog series are queryable, a timer's percentile is computed from its
 * histogram, every rule loads and evaluates without error, and every Kafka/JVM metric the rules and
 * the dashboard use ({@code monitoring/prometheus/external-metrics.txt}) is really published.
 */
class PrometheusScrapeIT {
  private static final Logger log = LoggerFactory.getLogger(PrometheusScrapeIT.class);
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path MONITORING =
      Path.of(System.getProperty("runex.home", "..")).toAbsolutePath().resolve("monitoring");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void prometheusScrapesRunexAndLoadsTheAlertRules() throws Exception {
    assertThat(PROMETHEUS)
        .as("Prometheus is not installed: run .ci/monitoring-tools (apt-get install prometheus)")
        .isExecutable();
    RunexConfig cfg = RealKafka.config(Map.of("runex.metrics.backlogInterval", "1s"));
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(cfg, "local");
        InProcessRuntime runtime =
            new InProcessRuntime(cfg, endpoint.registry()).startTopology().startBacklogMetrics();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      intake.json(
          "p-1",
          "{\"id\":\"p-1\",\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hi\"}}");
      intake.flush();
      await().atMost(WAIT).until(() -> collector.only("p-1") != null);

      int port = freePort();
      Process prometheus = startPrometheus(endpoint.port(), port);
      try {
        String base = "http://127.0.0.1:" + port;
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(() -> get(base + "/-/ready").statusCode() == 200);

        // runex metrics are scraped and queryable
        await().atMost(WAIT).until(() -> !query(base, "up{job=\"runex\"} == 1").isEmpty());
        await()
            .atMost(WAIT)
            .until(
                () -> !query(base, "runex_job_completed_total{outcome=\"succeeded\"}").isEmpty());

        // timers are histograms: their percentiles come from the buckets, over any replicas
        Set<String> bounds = new HashSet<>();
        query(base, "runex_job_execution_seconds_bucket{type=\"echo\",outcome=\"succeeded\"}")
            .forEach(b -> bounds.add(b.get("metric").get("le").asText()));
        assertThat(bounds).contains("0.001", "1.0", "3600.0", "+Inf").hasSize(18);
        JsonNode median =
            query(
                base,
                "histogram_quantile(0.5, sum by (type, le)"
                    + " (runex_job_execution_seconds_bucket{type=\"echo\"}))");
        assertThat(median).hasSize(1);
        assertThat(median.get(0).get("value").get(1).asDouble()).isBetween(0.0, 3600.0);
        JsonNode backlog =
            await()
                .atMost(WAIT)
                .until(
                    () -> query(base, "runex_backlog_oldest_age_seconds{pool=\"default\"}"),
                    r -> r.size() == 3);
        List<String> priorities = new ArrayList<>();
        backlog.forEach(s -> priorities.add(s.get("metric").get("priority").asText()));
        assertThat(priorities).containsExactlyInAnyOrder("high", "normal", "low");
        assertThat(backlog.get(0).get("metric").get("process").asText()).isEqualTo("local");
        assertThat(query(base, "runex_backlog_waiting{pool=\"default\",priority=\"normal\"}"))
            .hasSize(1);

        // the store meters of the in-memory control table are exported beside the RocksDB
        // stores' (Kafka names their store labels differently; Prometheus keeps one set per name)
        await()
            .atMost(WAIT)
            .until(
                () ->
                    !query(base, "{__name__=~\"kafka_stream_state_.+\",store_type=\"in-memory\"}")
                        .isEmpty());
        assertThat(query(base, "{__name__=~\"kafka_stream_state_.+\",store_type=\"rocksdb\"}"))
            .isNotEmpty();

        // the rules load, and each evaluates without error
        JsonNode groups =
            await().atMost(WAIT).until(() -> rules(base), g -> g.size() == 3 && allEvaluatedOk(g));
        List<String> names = new ArrayList<>();
        groups.forEach(g -> g.get("rules").forEach(r -> names.add(r.get("name").asText())));
        assertThat(names)
            .contains(
                "RunexBacklogTooOld",
                "RunexJobFailureRateHigh",
                "RunexDeadLetters",
                "RunexProcessDown",
                "RunexStreamThreadDead",
                "RunexTopologyNotRunning");

        // every Kafka/JVM metric the rules and dashboard name is published for real
        Set<String> scraped = new HashSet<>();
        api(base + "/api/v1/label/__name__/values")
            .get("data")
            .forEach(n -> scraped.add(n.asText()));
        assertThat(scraped).containsAll(externalMetrics());
      } finally {
        stop(prometheus);
      }
    }
  }

  private Process startPrometheus(int runexPort, int port) throws IOException {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: runex
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """
            .formatted(MONITORING.resolve("prometheus/runex-alerts.yml"), runexPort));
    Path logFile = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    log.info("prometheus pid {} on 127.0.0.1:{}, log {}", p.pid(), port, logFile);
    return p;
  }

  private void stop(Process p) throws InterruptedException, IOException {
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Path logFile = dir.resolve("prometheus.log");
    if (Files.exists(logFile)) {
      try (Stream<String> lines = Files.lines(logFile)) {
        lines.filter(l -> l.contains("level=error")).forEach(l -> log.warn("prometheus: {}", l));
      }
    }
  }

  private static boolean allEvaluatedOk(JsonNode groups) {
    for (JsonNode g : groups) {
      for (JsonNode r : g.get("rules")) {
        if (!"ok".equals(r.path("health").asText())) {
          return false;
        }
      }
    }
    return true;
  }

  private JsonNode rules(String base) throws Exception {
    return api(base + "/api/v1/rules").get("data").get("groups");
  }

  private JsonNode query(String base, String promql) throws Exception {
    return api(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .get("data")
        .get("result");
  }

  private JsonNode api(String url) throws Exception {
    HttpResponse<String> r = get(url);
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("status").asText()).as(url).isEqualTo("success");
    return body;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The metric names of monitoring/prometheus/external-metrics.txt (not runex's own). */
  private static List<String> externalMetrics() throws IOException {
    try (Stream<String> lines =
        Files.lines(MONITORING.resolve("prometheus/external-metrics.txt"))) {
      return lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }
}

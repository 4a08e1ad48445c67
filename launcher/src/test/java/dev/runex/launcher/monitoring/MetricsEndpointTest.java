package dev.runex.launcher.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.monitoring.health.HealthIndicator;
import dev.runex.monitoring.health.HealthReport;
import dev.runex.monitoring.health.HealthReport.Check;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint over real HTTP: scrape, and health answers a probe can act on. */
class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() {
    RunexConfig cfg = ConfigLoader.load(null, Map.of(), Map.of("runex.metrics.port", "0"));
    endpoint = MetricsEndpoint.start(cfg, "test");
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void isLiveButNotReadyUntilTheProcessHandsOverItsHealth() throws Exception {
    HttpResponse<String> live = get(MetricsEndpoint.LIVE_PATH);
    HttpResponse<String> ready = get(MetricsEndpoint.READY_PATH);

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(json(ready).get("status").asText()).isEqualTo("DOWN");
    assertThat(json(ready).get("checks").get(0).get("detail").asText()).isEqualTo("starting");
  }

  @Test
  void answersWithTheIndicatorsVerdictAndSaysWhy() throws Exception {
    endpoint.health(
        new HealthIndicator() {
          @Override
          public HealthReport liveness() {
            return HealthReport.of(new Check("poll-loop", false, "stopped by itself: fenced"));
          }

          @Override
          public HealthReport readiness() {
            return HealthReport.of(
                new Check("control-table", true, "read to its end"),
                new Check("assignment", true, "3 partition(s) of pool default assigned"));
          }
        });

    HttpResponse<String> live = get(MetricsEndpoint.LIVE_PATH);
    HttpResponse<String> ready = get(MetricsEndpoint.READY_PATH);

    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(live.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = json(live);
    assertThat(body.get("status").asText()).isEqualTo("DOWN");
    assertThat(body.get("checks").get(0).get("name").asText()).isEqualTo("poll-loop");
    assertThat(body.get("checks").get(0).get("up").asBoolean()).isFalse();
    assertThat(body.get("checks").get(0).get("detail").asText()).contains("fenced");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("status").asText()).isEqualTo("UP");
    assertThat(json(ready).get("checks")).hasSize(2);
  }

  @Test
  void anIndicatorThatThrowsIsReportedDownNotAsAServerError() throws Exception {
    endpoint.health(
        new HealthIndicator() {
          @Override
          public HealthReport liveness() {
            throw new IllegalStateException("boom");
          }

          @Override
          public HealthReport readiness() {
            throw new IllegalStateException("boom");
          }
        });

    HttpResponse<String> live = get(MetricsEndpoint.LIVE_PATH);

    assertThat(live.statusCode()).isEqualTo(503);
    assertThat(json(live).get("checks").get(0).get("detail").asText()).contains("boom");
  }

  @Test
  void servesEveryRouteItListsAndNothingBelowThem() throws Exception {
    for (String path : MetricsEndpoint.ROUTES) {
      assertThat(get(path).statusCode()).as(path).isIn(200, 503);
    }
    assertThat(get(MetricsEndpoint.METRICS_PATH).body()).contains("jvm_memory_used_bytes");
    assertThat(get("/health/live/extra").statusCode()).isEqualTo(404);
    assertThat(get("/metricsx").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return new ObjectMapper().readTree(response.body());
  }
}

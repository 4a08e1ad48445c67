package dev.runex.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.runex.config.ConfigLoader;
import dev.runex.config.GatewayKeys;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.GatewayParts;
import dev.runex.gateway.GatewayServer;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.SessionSecret;
import dev.runex.gateway.access.Sessions;
import dev.runex.gateway.overview.Backlog;
import dev.runex.gateway.overview.Overview;
import dev.runex.gateway.overview.PoolStats;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the gateway serves describes exactly the routes the app registers: every
 * registered route is in the document, and every path and method of the document is registered.
 */
class OpenApiDocumentTest {
  private static final Set<HandlerType> ROUTES =
      Set.of(
          HandlerType.GET,
          HandlerType.POST,
          HandlerType.PUT,
          HandlerType.PATCH,
          HandlerType.DELETE);

  @Test
  void documentsEveryRouteTheAppRegistersAndNoOther() throws Exception {
    // given: the app with its real route table (the handlers are not called here)
    RunexConfig cfg = ConfigLoader.load(null, Map.of(), Map.of());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayParts parts =
        new GatewayParts(
            cfg,
            1024,
            new Authenticator(
                GatewayKeys.NONE,
                new Sessions(
                    GatewayKeys.NONE,
                    SessionSecret.random(),
                    Duration.ofHours(1),
                    Clock.systemUTC())),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            meters,
            new JobsApi(cfg, null, null, null, null, meters),
            new OperationsApi(null, null, null, null, null),
            new DeadLettersApi(null, null));
    Javalin app = GatewayServer.create(parts);

    // when
    Set<String> registered = new TreeSet<>();
    app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(e -> e.endpoint)
        .filter(e -> ROUTES.contains(e.method))
        .forEach(e -> registered.add(e.method.name() + " " + e.path));
    Set<String> documented = new TreeSet<>();
    JsonNode doc;
    try (InputStream in = GatewayServer.class.getResourceAsStream("/openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    doc.path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        m -> {
                          if (Set.of("get", "post", "put", "patch", "delete").contains(m)) {
                            documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                          }
                        }));

    // then
    assertThat(registered).isNotEmpty().contains("POST /api/v1/jobs", "GET /health/ready");
    assertThat(documented).as("documented routes").isEqualTo(registered);
    assertThat(doc.path("openapi").asText()).startsWith("3.");
  }

  @Test
  void theOverviewSchemaNamesEveryFieldTheOverviewAnswersWith() throws Exception {
    // given: an operator's overview with a pool, its priorities and a pause
    PoolStats stats =
        new PoolStats(
            1, 0, 0, 0.5, 0.5, 3L, 9L, 10L, 20L, 0.0, List.of(new PoolStats.Point(0, 1, 1, 2, -1)));
    Backlog high = new Backlog("default", "high", 2, Duration.ofSeconds(3), true);
    Overview o =
        new Overview(
            Instant.now(),
            null,
            List.of(
                new Overview.Pool(
                    "default",
                    List.of(high),
                    stats,
                    List.of(
                        new Overview.Priority("high", high, stats),
                        new Overview.Priority("low", null, stats)),
                    List.of("pool:default"))),
            List.of(new Overview.Paused("pool:default", "ops", Instant.now(), "why")));
    JsonNode doc;
    try (InputStream in = GatewayServer.class.getResourceAsStream("/openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }

    // when
    JsonNode answer = OperationsApi.toJson(o);

    // then
    List<String> undocumented = new ArrayList<>();
    undocumented(doc, doc.at("/components/schemas/Overview"), answer, "overview", undocumented);
    assertThat(undocumented).isEmpty();
    assertThat(answer.at("/pools/0/priorities/0/series/0/startedPerSecond").asDouble())
        .isEqualTo(1);
  }

  /** Adds the paths of fields in {@code value} that {@code schema} does not name. */
  private static void undocumented(
      JsonNode doc, JsonNode schema, JsonNode value, String path, List<String> out) {
    if (value.isArray()) {
      for (JsonNode item : value) {
        undocumented(doc, resolve(doc, schema).path("items"), item, path + "[]", out);
      }
      return;
    }
    if (!value.isObject()) {
      return;
    }
    Map<String, JsonNode> properties = new LinkedHashMap<>();
    collectProperties(doc, schema, properties);
    value
        .fields()
        .forEachRemaining(
            f -> {
              JsonNode property = properties.get(f.getKey());
              if (property == null) {
                out.add(path + "." + f.getKey());
              } else {
                undocumented(doc, property, f.getValue(), path + "." + f.getKey(), out);
              }
            });
  }

  private static void collectProperties(JsonNode doc, JsonNode schema, Map<String, JsonNode> out) {
    JsonNode s = resolve(doc, schema);
    s.path("properties").fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue()));
    s.path("allOf").forEach(part -> collectProperties(doc, part, out));
  }

  private static JsonNode resolve(JsonNode doc, JsonNode schema) {
    JsonNode ref = schema.path("$ref");
    return ref.isTextual() ? resolve(doc, doc.at(ref.asText().substring(1))) : schema;
  }
}

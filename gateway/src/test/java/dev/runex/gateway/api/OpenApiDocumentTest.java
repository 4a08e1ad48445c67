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
import dev.runex.gateway.access.Sessions;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
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
                GatewayKeys.NONE, new Sessions(Duration.ofHours(1), Clock.systemUTC())),
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
}

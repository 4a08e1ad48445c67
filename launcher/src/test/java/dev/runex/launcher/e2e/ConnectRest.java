package dev.runex.launcher.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Adds connectors to a running Connect worker the way the docs tell users to: the JSON files in
 * {@code connectors/config/}, with only the addresses of this machine's servers changed, PUT to
 * {@code /connectors/<name>/config}.
 */
final class ConnectRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final HttpClient http = HttpClient.newHttpClient();

  ConnectRest(URI base) {
    this.base = base;
  }

  /** The shipped config file {@code connectors/config/<file>} with {@code overrides} applied. */
  static ObjectNode shippedConfig(String file, Map<String, String> overrides) throws IOException {
    Path home = Path.of(System.getProperty("runex.home"));
    JsonNode doc = JSON.readTree(home.resolve("connectors/config").resolve(file).toFile());
    ObjectNode config = (ObjectNode) doc.path("config");
    overrides.forEach(config::put);
    return config;
  }

  void put(String name, ObjectNode config) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/connectors/" + name + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(config.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "Connect refused connector " + name + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  JsonNode status(String name) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(base.resolve("/connectors/" + name + "/status")).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
  }

  /** Waits until the connector and its task run; fails at once, with the trace, if one failed. */
  void awaitRunning(String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              JsonNode s = status(name);
              String trace = s.path("tasks").path(0).path("trace").asText("");
              if ("FAILED".equals(s.path("connector").path("state").asText())
                  || "FAILED".equals(s.path("tasks").path(0).path("state").asText())) {
                throw new AssertionError("connector " + name + " failed: " + s + "\n" + trace);
              }
              return "RUNNING".equals(s.path("connector").path("state").asText())
                  && "RUNNING".equals(s.path("tasks").path(0).path("state").asText());
            });
  }
}

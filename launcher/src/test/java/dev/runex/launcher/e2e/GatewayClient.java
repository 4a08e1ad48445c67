package dev.runex.launcher.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runex.schemas.json.AvroJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client of the gateway's API, as a user's script would call it. */
final class GatewayClient {
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: status, content type and body (JSON when it is JSON, else the text). */
  record Answer(int status, String contentType, JsonNode body, String text) {
    String code() {
      return body.path("code").asText();
    }
  }

  GatewayClient(URI base) {
    this.base = base;
  }

  Answer get(String path, String key) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET(), key);
  }

  Answer post(String path, String key, String body) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)),
        key);
  }

  Answer postBytes(String path, String key, byte[] body) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        key);
  }

  private Answer send(HttpRequest.Builder b, String key) {
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    try {
      HttpResponse<String> r =
          http.send(
              b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      String type = r.headers().firstValue("Content-Type").orElse("");
      JsonNode json;
      try {
        json =
            type.contains("json")
                ? AvroJson.MAPPER.readTree(r.body())
                : JsonNodeFactory.instance.nullNode();
      } catch (IOException e) {
        json = JsonNodeFactory.instance.nullNode();
      }
      return new Answer(r.statusCode(), type, json, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

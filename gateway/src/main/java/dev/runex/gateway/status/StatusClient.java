package dev.runex.gateway.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.schemas.json.AvroJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client of a topology instance's job status API ({@code GET /jobs/<id>}, {@code GET /jobs}),
 * used by the CLI ({@code runex status}, {@code runex jobs}) and the gateway. Any instance answers
 * for every job: it routes to the owner itself.
 */
public final class StatusClient {
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: HTTP status and JSON body. */
  public record Response(int status, JsonNode body) {
    public String error() {
      return body.path("error").asText("HTTP " + status);
    }
  }

  public StatusClient(URI base) {
    this.base = base;
  }

  public URI base() {
    return base;
  }

  /** {@code explicit} when given, else the local instance the config describes. */
  public static StatusClient of(String explicit, RunexConfig cfg) {
    if (explicit != null && !explicit.isBlank()) {
      return new StatusClient(
          URI.create(
              explicit.endsWith("/") ? explicit.substring(0, explicit.length() - 1) : explicit));
    }
    if (!cfg.bool(Settings.TOPOLOGY_STATUS_ENABLED)) {
      throw new IllegalStateException(
          Settings.TOPOLOGY_STATUS_ENABLED.key()
              + " is false: this configuration runs"
              + " no job-status application; pass the API of a topology instance that runs one with --status-url"
              + " http://host:port");
    }
    int port = cfg.intValue(Settings.TOPOLOGY_STATUS_PORT);
    if (port <= 0) {
      throw new IllegalStateException(
          Settings.TOPOLOGY_STATUS_PORT.key()
              + " is "
              + port
              + ": pass the API of a running topology instance with --status-url http://host:port");
    }
    String host = cfg.string(Settings.TOPOLOGY_STATUS_ADVERTISED_HOST);
    if (host.isBlank()) {
      host = cfg.string(Settings.TOPOLOGY_STATUS_HOST);
    }
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    return new StatusClient(URI.create("http://" + host + ":" + port));
  }

  /**
   * GET {@code pathAndQuery}; IllegalStateException when the API cannot be reached (so the caller
   * can say so).
   */
  public Response get(String pathAndQuery) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(15))
            .GET()
            .build();
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), AvroJson.MAPPER.readTree(r.body()));
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach the status API at "
              + base
              + " (is a topology running? "
              + "./runex local or ./runex topology; else pass --status-url): "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

package dev.runex.topology.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.json.AvroJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another topology instance's status API (its Kafka Streams {@code application.server}). */
final class PeerClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A peer's answer: HTTP status and JSON body. */
  record Answer(int status, JsonNode body) {}

  Answer get(HostInfo peer, String pathAndQuery) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + peer.host() + ":" + peer.port() + pathAndQuery))
            .timeout(TIMEOUT)
            .GET()
            .build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), AvroJson.MAPPER.readTree(response.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted asking " + peer, e);
    }
  }
}

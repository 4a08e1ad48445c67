package dev.runex.launcher.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runex.schemas.json.AvroJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

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

  /**
   * Announces a body of {@code length} bytes with {@code Expect: 100-continue} and sends none of it
   * unless the gateway answers 100 (the JDK's client cannot be used here: on Java 17 it waits
   * forever when the answer to an expectation is not 100). Written on a plain socket, as a client
   * that follows RFC 9110 would.
   */
  Answer announce(String path, String key, long length) {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(30_000);
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: "
              + base.getHost()
              + ":"
              + base.getPort()
              + "\r\nAuthorization: Bearer "
              + key
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + length
              + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = raw.indexOf("\r\n\r\n");
      String headers = raw.substring(0, end).toLowerCase(Locale.ROOT);
      String body = raw.substring(end + 4);
      if (headers.contains("transfer-encoding: chunked")) {
        body = dechunk(body);
      }
      int status = Integer.parseInt(raw.substring(9, 12));
      String type = headers.contains("problem+json") ? "application/problem+json" : headers;
      return new Answer(status, type, AvroJson.MAPPER.readTree(body), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
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

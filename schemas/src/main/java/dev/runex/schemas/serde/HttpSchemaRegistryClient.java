package dev.runex.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent Schema Registry REST client: {@code POST /subjects/{subject}/versions} and {@code GET
 * /schemas/ids/{id}}. Works against Confluent SR, Karapace, Redpanda and Apicurio's {@code
 * /apis/ccompat/v7}. Not cached: wrap in {@link CachingSchemaRegistryClient}. A schema that is not
 * Avro is an {@link UnsupportedSchemaException}; a missing one a {@link SchemaNotFoundException}.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final HttpClient http;

  public HttpSchemaRegistryClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public int register(String subject, Schema schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", SchemaText.portable(schema));
    String url =
        baseUrl + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions";
    JsonNode reply =
        call(
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
            "register schema under subject " + subject);
    return reply.path("id").asInt();
  }

  @Override
  public Schema getById(int id) {
    JsonNode reply =
        call(
            HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id)).GET(),
            "fetch schema id " + id);
    // Confluent-style registries hold Protobuf and JSON Schema too; a reply without schemaType is
    // Avro
    String type = reply.path("schemaType").asText("AVRO");
    if (!type.equalsIgnoreCase("AVRO")) {
      throw new UnsupportedSchemaException(
          "schema id " + id + " is a " + type + " schema, not Avro", null);
    }
    try {
      return new Schema.Parser().parse(reply.path("schema").asText());
    } catch (SchemaParseException e) {
      throw new UnsupportedSchemaException(
          "schema id " + id + " is not an Avro schema: " + e.getMessage(), e);
    }
  }

  private JsonNode call(HttpRequest.Builder request, String what) {
    HttpRequest req =
        request
            .header("Accept", CONTENT_TYPE + ", application/json")
            .timeout(Duration.ofSeconds(15))
            .build();
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() / 100 == 2) {
          return JSON.readTree(resp.body());
        }
        if (resp.statusCode() >= 500) {
          if (attempt < 3) {
            sleepQuietly(200L * attempt);
            continue;
          }
          throw new SchemaRegistryUnavailableException(
              "schema registry failed to "
                  + what
                  + ": HTTP "
                  + resp.statusCode()
                  + " "
                  + resp.body(),
              null);
        }
        if (resp.statusCode() == 404 && req.method().equals("GET")) {
          throw new SchemaNotFoundException(
              "schema registry has no " + what.replace("fetch ", "") + " (HTTP 404)");
        }
        throw new SerializationException(
            "schema registry refused to "
                + what
                + " ("
                + req.uri()
                + "): HTTP "
                + resp.statusCode()
                + " "
                + resp.body());
      } catch (IOException e) {
        last = e;
        sleepQuietly(200L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryUnavailableException("interrupted while trying to " + what, e);
      }
    }
    throw new SchemaRegistryUnavailableException(
        "schema registry at " + baseUrl + " unreachable while trying to " + what, last);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.runex.workers.internal.execution.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.HttpSpec;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.ParamSpec;
import dev.runex.config.ParamType;
import dev.runex.config.Template.Placeholder;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.internal.execution.process.ArgvTemplate;
import dev.runex.workers.internal.monitoring.TraceContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one attempt's HTTP request from its job type: the URL template with each placeholder value
 * percent-encoded (a {@code /}, {@code ?} or {@code ../} in a parameter stays data, never path or
 * query structure), the type's method and headers, {@code Idempotency-Key: <job id>:<attempt>},
 * {@code traceparent}, and for POST, PUT and PATCH the parameters as a JSON object (json-typed
 * parameters embedded as JSON, not as strings).
 */
final class HttpRequests {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobTypeSpec type;
  private final HttpSpec spec;

  HttpRequests(JobTypeSpec type) {
    this.type = type;
    this.spec = type.http();
  }

  HttpRequest build(JobContext ctx, Duration timeout) throws PermanentJobException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(ctx)).timeout(timeout);
    spec.headers().forEach(b::header);
    b.header(IDEMPOTENCY_KEY, ctx.idempotencyKey());
    b.header(TraceContext.HEADER, ctx.traceParent());
    if (spec.sendsBody()) {
      if (spec.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
        b.header("Content-Type", "application/json");
      }
      b.method(
          spec.method(), HttpRequest.BodyPublishers.ofString(body(ctx), StandardCharsets.UTF_8));
    } else {
      b.method(spec.method(), HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  URI uri(JobContext ctx) throws PermanentJobException {
    String url = spec.url().render(p -> encode(value(ctx, p)));
    try {
      return URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new PermanentJobException(
          ReasonCode.BAD_URL.code(),
          "the URL of type '" + type.name() + "' does not parse: " + e.getMessage());
    }
  }

  private static String value(JobContext ctx, Placeholder p) {
    return ArgvTemplate.text(
        p.param() != null
            ? ctx.params().get(p.param())
            : switch (p.name()) {
              case "job.id" -> ctx.jobId();
              case "job.type" -> ctx.type();
              case "job.tenant" -> ctx.tenant();
              case "job.attempt" -> ctx.attempt();
              case "job.idempotencyKey" -> ctx.idempotencyKey();
              default ->
                  throw new IllegalStateException(
                      "placeholder {" + p.name() + "} passed config validation but is unknown");
            });
  }

  /** RFC 3986 percent-encoding of everything but unreserved characters. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  String body(JobContext ctx) throws PermanentJobException {
    ObjectNode body = JSON.createObjectNode();
    for (Map.Entry<String, Object> e : new TreeMap<>(ctx.params()).entrySet()) {
      ParamSpec declared = type.params().get(e.getKey());
      Object v = e.getValue();
      if (v != null && declared != null && declared.type() == ParamType.JSON) {
        body.set(e.getKey(), parse(e.getKey(), v.toString()));
      } else {
        body.set(e.getKey(), JSON.valueToTree(v));
      }
    }
    return body.toString();
  }

  private static JsonNode parse(String name, String json) throws PermanentJobException {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new PermanentJobException(
          ReasonCode.PARAM_INVALID.code(), "parameter " + name + " is not JSON: " + e.getMessage());
    }
  }
}

package dev.runex.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.Durations;
import dev.runex.schemas.json.AvroJson;
import io.javalin.http.Context;
import java.time.Duration;

/** Small helpers for the API's JSON answers and query parameters. */
public final class Responses {
  private Responses() {}

  public static void json(Context ctx, int status, JsonNode body) {
    try {
      ctx.status(status)
          .contentType("application/json; charset=utf-8")
          .result(AvroJson.MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void problem(Context ctx, Problem p) {
    ctx.status(p.status()).contentType(Problem.CONTENT_TYPE).result(p.body(ctx.path()).toString());
  }

  /** A whole-number query parameter within [min, max], or null when absent. */
  public static Integer intParam(Context ctx, String name, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problem.badRequest(
        "BAD_PARAMETER",
        name + " must be a whole number from " + min + " to " + max + ", was '" + v + "'");
  }

  /** A duration query parameter (30s, PT30S) at most {@code max}, or null when absent. */
  public static Duration durationParam(Context ctx, String name, Duration max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    Duration d;
    try {
      d = Durations.parse(v.trim());
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest(
          "BAD_PARAMETER", name + " must be a duration like 30s or PT30S, was '" + v + "'");
    }
    if (d.isNegative() || d.compareTo(max) > 0) {
      throw Problem.badRequest(
          "BAD_PARAMETER", name + " must be between 0 and " + max + ", was " + v);
    }
    return d;
  }
}

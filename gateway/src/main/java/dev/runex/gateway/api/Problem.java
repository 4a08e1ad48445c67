package dev.runex.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.schemas.json.AvroJson;

/**
 * An error answer as RFC 9457 {@code application/problem+json}: HTTP status, a stable reason code
 * (the same codes intake uses where the cause is the same, e.g. {@code UNKNOWN_FIELD}), and a
 * detail for humans. Thrown by route handlers; the gateway renders it.
 */
public final class Problem extends RuntimeException {
  public static final String CONTENT_TYPE = "application/problem+json";

  private final int status;
  private final String code;

  public Problem(int status, String code, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static Problem badRequest(String code, String detail) {
    return new Problem(400, code, detail);
  }

  public static Problem unauthorized() {
    return new Problem(
        401,
        "UNAUTHORIZED",
        "an API key is required: Authorization: Bearer <key> (or X-Api-Key: <key>)");
  }

  public static Problem forbidden(String code, String detail) {
    return new Problem(403, code, detail);
  }

  public static Problem notFound(String detail) {
    return new Problem(404, "NOT_FOUND", detail);
  }

  public static Problem unprocessable(String code, String detail) {
    return new Problem(422, code, detail);
  }

  public static Problem unavailable(String detail) {
    return new Problem(503, "UNAVAILABLE", detail);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public ObjectNode body(String instance) {
    ObjectNode n = AvroJson.MAPPER.createObjectNode();
    n.put("type", "https://runex.dev/problems/" + code.toLowerCase(java.util.Locale.ROOT));
    n.put("title", title(status));
    n.put("status", status);
    n.put("code", code);
    n.put("detail", getMessage());
    n.put("instance", instance);
    return n;
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Server Error" : "Error";
    };
  }
}

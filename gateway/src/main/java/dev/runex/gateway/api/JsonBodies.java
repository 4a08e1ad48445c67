package dev.runex.gateway.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads request bodies strictly, as intake reads requests: one JSON object, no duplicate keys, no
 * trailing content, and no field the endpoint does not know ({@code UNKNOWN_FIELD}).
 */
public final class JsonBodies {
  public static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private JsonBodies() {}

  /** The body as one JSON object with only {@code allowed} fields; an empty body is {@code {}}. */
  public static ObjectNode object(byte[] body, Set<String> allowed) {
    if (body == null || body.length == 0) {
      return STRICT.createObjectNode();
    }
    JsonNode n;
    try {
      n = STRICT.readTree(body);
    } catch (IOException e) {
      throw Problem.badRequest(
          "MALFORMED_JSON",
          "not valid JSON: "
              + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                  ? j.getOriginalMessage()
                  : e.getMessage()));
    }
    if (n == null || n.isMissingNode()) {
      return STRICT.createObjectNode();
    }
    if (!n.isObject()) {
      throw Problem.badRequest("MALFORMED_JSON", "the body must be one JSON object");
    }
    checkFields((ObjectNode) n, allowed, "");
    return (ObjectNode) n;
  }

  /** UNKNOWN_FIELD naming the first field of {@code n} not in {@code allowed}. */
  public static void checkFields(ObjectNode n, Set<String> allowed, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw Problem.badRequest(
            "UNKNOWN_FIELD",
            "unknown field '" + where + f + "' (known: " + new TreeSet<>(allowed) + ")");
      }
    }
  }

  /** A text field, or null when absent or JSON null; BAD_FIELD for another JSON type. */
  public static String text(ObjectNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw Problem.badRequest("BAD_FIELD", field + " must be a string");
    }
    return v.asText();
  }
}

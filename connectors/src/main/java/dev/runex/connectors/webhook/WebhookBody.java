package dev.runex.connectors.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * The JSON body for a record value, whatever converter produced it. Structs (from runex's Avro
 * converter or any other) become objects in the same plain form runex writes with {@code
 * runex.outputFormat: json}: nullable fields as the bare value, enums as names, timestamps as
 * ISO-8601, bytes as base64. A String or byte[] value that already holds a JSON document (a JSON
 * topic read with the String or ByteArray converter) is sent as that document; other strings become
 * a JSON string, other bytes a base64 string.
 */
public final class WebhookBody {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private WebhookBody() {}

  public static byte[] json(Schema schema, Object value) {
    try {
      return MAPPER.writeValueAsBytes(top(schema, value));
    } catch (JsonProcessingException e) {
      throw new DataException("cannot write the record value as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The record value itself: a String or byte[] holding a JSON document is that document. Only at
   * the top: a string field inside a struct (a job's output, say) stays a string, as runex writes
   * it.
   */
  private static JsonNode top(Schema schema, Object value) {
    if (value instanceof String text) {
      JsonNode doc = document(text);
      return doc != null ? doc : F.textNode(text);
    }
    if (value instanceof byte[] bytes) {
      return bytes(bytes);
    }
    return node(schema, value);
  }

  static JsonNode node(Schema schema, Object value) {
    if (value == null) {
      return F.nullNode();
    }
    if (schema != null && schema.name() != null) {
      JsonNode logical = logical(schema.name(), value);
      if (logical != null) {
        return logical;
      }
    }
    if (value instanceof Struct s) {
      ObjectNode obj = F.objectNode();
      for (Field f : s.schema().fields()) {
        obj.set(f.name(), node(f.schema(), s.get(f)));
      }
      return obj;
    }
    if (value instanceof Map<?, ?> m) {
      ObjectNode obj = F.objectNode();
      Schema valueSchema = schema == null ? null : schema.valueSchema();
      m.forEach((k, v) -> obj.set(String.valueOf(k), node(valueSchema, v)));
      return obj;
    }
    if (value instanceof Collection<?> c) {
      ArrayNode arr = F.arrayNode();
      Schema elementSchema = schema == null ? null : schema.valueSchema();
      c.forEach(v -> arr.add(node(elementSchema, v)));
      return arr;
    }
    if (value instanceof String text) {
      return F.textNode(text);
    }
    if (value instanceof byte[] bytes) {
      return F.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer b = buffer.duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return F.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (value instanceof Date d) {
      return F.textNode(d.toInstant().toString());
    }
    return primitive(value);
  }

  /** Connect's logical types, rendered as their meaning rather than their encoding. */
  private static JsonNode logical(String name, Object value) {
    return switch (name) {
      case Timestamp.LOGICAL_NAME -> F.textNode(((Date) value).toInstant().toString());
      case org.apache.kafka.connect.data.Date.LOGICAL_NAME ->
          F.textNode(((Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString());
      case Time.LOGICAL_NAME ->
          F.textNode(((Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalTime().toString());
      case org.apache.kafka.connect.data.Decimal.LOGICAL_NAME -> F.numberNode((BigDecimal) value);
      default -> null;
    };
  }

  private static JsonNode primitive(Object value) {
    if (value instanceof Boolean b) {
      return F.booleanNode(b);
    }
    if (value instanceof Byte b) {
      return F.numberNode(b);
    }
    if (value instanceof Short s) {
      return F.numberNode(s);
    }
    if (value instanceof Integer i) {
      return F.numberNode(i);
    }
    if (value instanceof Long l) {
      return F.numberNode(l);
    }
    if (value instanceof Float f) {
      return F.numberNode(f);
    }
    if (value instanceof Double d) {
      return F.numberNode(d);
    }
    if (value instanceof BigDecimal d) {
      return F.numberNode(d);
    }
    throw new DataException(
        "cannot write a " + value.getClass().getName() + " value as JSON: " + value);
  }

  /** Top-level bytes: the JSON document they hold as UTF-8 text, else base64. */
  private static JsonNode bytes(byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      JsonNode doc = document(text);
      if (doc != null) {
        return doc;
      }
    } catch (CharacterCodingException e) {
      // not text: base64 below
    }
    return F.textNode(Base64.getEncoder().encodeToString(bytes));
  }

  /** The JSON object or array {@code text} holds, or null when it holds none. */
  private static JsonNode document(String text) {
    String t = text.strip();
    if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
      return null;
    }
    try {
      return MAPPER.readTree(t);
    } catch (IOException e) {
      return null;
    }
  }
}

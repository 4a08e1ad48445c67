package dev.runex.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The schema text we register: the generated classes' schemas carry Java-only {@code
 * "avro.java.string"} properties, which would make other languages' clients register the same
 * schema as a second version. We strip them so everyone registers the same text.
 */
public final class SchemaText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaText() {}

  public static String portable(Schema schema) {
    try {
      JsonNode tree = JSON.readTree(schema.toString());
      strip(tree);
      return JSON.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      obj.remove("avro.java.string");
      obj.elements().forEachRemaining(SchemaText::strip);
    } else if (node instanceof ArrayNode arr) {
      arr.elements().forEachRemaining(SchemaText::strip);
    }
  }
}

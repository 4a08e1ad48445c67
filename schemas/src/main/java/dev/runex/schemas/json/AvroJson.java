package dev.runex.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Plain JSON for Avro records, as registry-less consumers want it: unions as the bare value (not
 * Avro's {@code {"string": ...}} wrapping), enums as names, timestamps as ISO-8601, bytes as
 * base64.
 */
public final class AvroJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private AvroJson() {}

  public static ObjectNode toJson(IndexedRecord record) {
    return (ObjectNode) value(record.getSchema(), record);
  }

  public static byte[] toBytes(IndexedRecord record) {
    try {
      return MAPPER.writeValueAsBytes(toJson(record));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The union branch of {@code v}; generated classes hold timestamps as Instant, which GenericData
   * does not know.
   */
  private static Schema branch(Schema union, Object v) {
    if (v instanceof Instant) {
      for (Schema s : union.getTypes()) {
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          return s;
        }
      }
    }
    return union.getTypes().get(GenericData.get().resolveUnion(union, v));
  }

  private static JsonNode value(Schema schema, Object v) {
    if (v == null) {
      return F.nullNode();
    }
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case UNION:
        return value(branch(schema, v), v);
      case RECORD:
        {
          ObjectNode obj = F.objectNode();
          IndexedRecord r = (IndexedRecord) v;
          for (Schema.Field f : schema.getFields()) {
            obj.set(f.name(), value(f.schema(), r.get(f.pos())));
          }
          return obj;
        }
      case MAP:
        {
          ObjectNode obj = F.objectNode();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            obj.set(e.getKey().toString(), value(schema.getValueType(), e.getValue()));
          }
          return obj;
        }
      case ARRAY:
        {
          ArrayNode arr = F.arrayNode();
          for (Object o : (Collection<?>) v) {
            arr.add(value(schema.getElementType(), o));
          }
          return arr;
        }
      case LONG:
        if (logical instanceof LogicalTypes.TimestampMillis) {
          long ms = v instanceof Instant i ? i.toEpochMilli() : (Long) v;
          return F.textNode(Instant.ofEpochMilli(ms).toString());
        }
        return F.numberNode((Long) v);
      case INT:
        return F.numberNode((Integer) v);
      case DOUBLE:
        return F.numberNode((Double) v);
      case FLOAT:
        return F.numberNode((Float) v);
      case BOOLEAN:
        return F.booleanNode((Boolean) v);
      case BYTES:
        {
          ByteBuffer b = ((ByteBuffer) v).duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return F.textNode(Base64.getEncoder().encodeToString(bytes));
        }
      case ENUM:
      case STRING:
      default:
        if (v instanceof GenericContainer c && !(v instanceof GenericData.EnumSymbol)) {
          return F.textNode(c.toString());
        }
        return F.textNode(v.toString());
    }
  }
}

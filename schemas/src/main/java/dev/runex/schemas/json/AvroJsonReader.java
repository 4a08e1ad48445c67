package dev.runex.schemas.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.serde.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the plain JSON {@link AvroJson} writes back into a generated record, so a runex process can
 * consume its own external topics when {@code runex.outputFormat} is json: unions from the bare
 * value, enums by name, timestamps from ISO-8601 (or epoch millis), bytes from base64; fields
 * missing from the JSON take their schema default.
 */
public final class AvroJsonReader<T extends SpecificRecord> {
  private final Schema schema;
  private final SpecificDatumReader<T> reader;

  public AvroJsonReader(Class<T> type) {
    AvroTrust.ensure();
    this.schema = SpecificData.get().getSchema(type);
    this.reader = new SpecificDatumReader<>(schema);
  }

  /**
   * The record the JSON text describes; IllegalArgumentException when it does not fit the schema.
   */
  public T read(byte[] json) {
    try {
      Object generic = value(schema, AvroJson.MAPPER.readTree(json), "");
      // Through Avro binary: the specific reader applies the logical-type conversions (Instant,
      // ...).
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<>(schema).write(generic, encoder);
      encoder.flush();
      return reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a JSON " + schema.getName() + ": " + e.getMessage(), e);
    }
  }

  private static Object value(Schema s, JsonNode n, String path) {
    if (s.getType() == Schema.Type.UNION) {
      return union(s, n, path);
    }
    if (n == null || n.isNull()) {
      if (s.getType() == Schema.Type.NULL) {
        return null;
      }
      throw new IllegalArgumentException(path + " must not be null");
    }
    return switch (s.getType()) {
      case RECORD -> record(s, n, path);
      case MAP -> map(s, n, path);
      case ARRAY -> array(s, n, path);
      case ENUM -> new GenericData.EnumSymbol(s, n.asText());
      case STRING -> n.asText();
      case LONG ->
          s.getLogicalType() instanceof LogicalTypes.TimestampMillis && n.isTextual()
              ? Instant.parse(n.asText()).toEpochMilli()
              : n.asLong();
      case INT -> n.asInt();
      case DOUBLE -> n.asDouble();
      case FLOAT -> (float) n.asDouble();
      case BOOLEAN -> n.asBoolean();
      case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(n.asText()));
      default -> throw new IllegalArgumentException(path + ": unsupported type " + s.getType());
    };
  }

  private static GenericData.Record record(Schema s, JsonNode n, String path) {
    GenericData.Record r = new GenericData.Record(s);
    for (Schema.Field f : s.getFields()) {
      JsonNode v = n.get(f.name());
      r.put(
          f.pos(),
          v == null && f.hasDefaultValue()
              ? GenericData.get().getDefaultValue(f)
              : value(f.schema(), v, path + "." + f.name()));
    }
    return r;
  }

  private static Map<String, Object> map(Schema s, JsonNode n, String path) {
    Map<String, Object> m = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      m.put(e.getKey(), value(s.getValueType(), e.getValue(), path + "." + e.getKey()));
    }
    return m;
  }

  private static List<Object> array(Schema s, JsonNode n, String path) {
    List<Object> out = new ArrayList<>();
    n.forEach(item -> out.add(value(s.getElementType(), item, path + "[]")));
    return out;
  }

  /** The first branch the JSON value fits: AvroJson writes unions as the bare value. */
  private static Object union(Schema s, JsonNode n, String path) {
    for (Schema branch : s.getTypes()) {
      if (fits(branch, n)) {
        return value(branch, n, path);
      }
    }
    throw new IllegalArgumentException(path + ": " + n + " fits none of " + s.getTypes());
  }

  private static boolean fits(Schema s, JsonNode n) {
    boolean absent = n == null || n.isNull();
    return switch (s.getType()) {
      case NULL -> absent;
      case BOOLEAN -> !absent && n.isBoolean();
      case INT, LONG ->
          !absent
              && (n.isIntegralNumber()
                  || (n.isTextual() && s.getLogicalType() instanceof LogicalTypes.TimestampMillis));
      case FLOAT, DOUBLE -> !absent && n.isNumber();
      case STRING, ENUM, BYTES -> !absent && n.isTextual();
      case RECORD, MAP -> !absent && n.isObject();
      case ARRAY -> !absent && n.isArray();
      default -> false;
    };
  }
}

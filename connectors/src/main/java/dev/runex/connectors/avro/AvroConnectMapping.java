package dev.runex.connectors.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro schemas and values as Connect schemas and values. Records become structs (named by the
 * record's full name), nullable unions ({@code ["null", T]}) optional fields, enums strings, maps
 * string-keyed maps; the logical types date, time-millis, timestamp-millis and decimal become
 * Connect's Date, Time, Timestamp and Decimal, so sinks (the JDBC sink's column types, the
 * webhook's ISO-8601 text) see what the value means. Unions of several non-null types and recursive
 * records have no Connect equivalent and are refused with the offending schema named.
 */
final class AvroConnectMapping {
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private AvroConnectMapping() {}

  static Schema schema(org.apache.avro.Schema avro) {
    return builder(avro, new HashSet<>()).build();
  }

  private static SchemaBuilder builder(org.apache.avro.Schema avro, Set<String> enclosing) {
    LogicalType logical = avro.getLogicalType();
    return switch (avro.getType()) {
      case UNION -> {
        boolean nullable = avro.getTypes().stream().anyMatch(AvroConnectMapping::isNull);
        SchemaBuilder b = builder(onlyBranch(avro), enclosing);
        yield nullable ? b.optional() : b;
      }
      case RECORD -> record(avro, enclosing);
      case ENUM, STRING -> SchemaBuilder.string();
      case ARRAY -> SchemaBuilder.array(builder(avro.getElementType(), enclosing).build());
      case MAP ->
          SchemaBuilder.map(Schema.STRING_SCHEMA, builder(avro.getValueType(), enclosing).build());
      case BYTES, FIXED ->
          logical instanceof LogicalTypes.Decimal d
              ? Decimal.builder(d.getScale())
              : SchemaBuilder.bytes();
      case INT -> {
        if (logical instanceof LogicalTypes.Date) {
          yield Date.builder();
        }
        yield logical instanceof LogicalTypes.TimeMillis ? Time.builder() : SchemaBuilder.int32();
      }
      case LONG ->
          logical instanceof LogicalTypes.TimestampMillis
              ? Timestamp.builder()
              : SchemaBuilder.int64();
      case FLOAT -> SchemaBuilder.float32();
      case DOUBLE -> SchemaBuilder.float64();
      case BOOLEAN -> SchemaBuilder.bool();
      case NULL ->
          throw new DataException("an Avro null type on its own has no Connect equivalent");
    };
  }

  private static SchemaBuilder record(org.apache.avro.Schema avro, Set<String> enclosing) {
    if (!enclosing.add(avro.getFullName())) {
      throw new DataException(
          "Avro record " + avro.getFullName() + " contains itself; Connect schemas cannot recurse");
    }
    SchemaBuilder b = SchemaBuilder.struct().name(avro.getFullName());
    if (avro.getDoc() != null) {
      b.doc(avro.getDoc());
    }
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      SchemaBuilder field = builder(f.schema(), enclosing);
      // a record-typed field keeps its record's own doc
      if (f.doc() != null && field.doc() == null) {
        field.doc(f.doc());
      }
      b.field(f.name(), field.build());
    }
    enclosing.remove(avro.getFullName());
    return b;
  }

  /** The one non-null branch of a union; a clear error for unions Connect cannot express. */
  private static org.apache.avro.Schema onlyBranch(org.apache.avro.Schema union) {
    List<org.apache.avro.Schema> branches =
        union.getTypes().stream().filter(t -> !isNull(t)).toList();
    if (branches.size() != 1) {
      throw new DataException(
          "Avro union "
              + union
              + " has "
              + branches.size()
              + " non-null branches; only nullable unions [\"null\", T] map to Connect");
    }
    return branches.get(0);
  }

  private static boolean isNull(org.apache.avro.Schema s) {
    return s.getType() == org.apache.avro.Schema.Type.NULL;
  }

  /** The Connect value of {@code value}, an Avro datum of {@code avro} read as generic data. */
  static Object value(org.apache.avro.Schema avro, Schema connect, Object value) {
    if (value == null) {
      return null;
    }
    LogicalType logical = avro.getLogicalType();
    return switch (avro.getType()) {
      case UNION -> value(onlyBranch(avro), connect, value);
      case RECORD -> struct(avro, connect, (IndexedRecord) value);
      case ENUM, STRING -> value.toString();
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Object o : (Collection<?>) value) {
          out.add(value(avro.getElementType(), connect.valueSchema(), o));
        }
        yield out;
      }
      case MAP -> {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          out.put(
              e.getKey().toString(),
              value(avro.getValueType(), connect.valueSchema(), e.getValue()));
        }
        yield out;
      }
      case BYTES, FIXED -> bytes(logical, value);
      case INT -> {
        int i = (Integer) value;
        if (logical instanceof LogicalTypes.Date) {
          yield new java.util.Date(i * MILLIS_PER_DAY);
        }
        yield logical instanceof LogicalTypes.TimeMillis ? new java.util.Date(i) : i;
      }
      case LONG -> {
        if (logical instanceof LogicalTypes.TimestampMillis) {
          long ms = value instanceof Instant t ? t.toEpochMilli() : (Long) value;
          yield new java.util.Date(ms);
        }
        yield value;
      }
      case FLOAT, DOUBLE, BOOLEAN -> value;
      case NULL -> null;
    };
  }

  private static Struct struct(org.apache.avro.Schema avro, Schema connect, IndexedRecord record) {
    Struct struct = new Struct(connect);
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      Field target = connect.field(f.name());
      struct.put(target, value(f.schema(), target.schema(), record.get(f.pos())));
    }
    return struct;
  }

  private static Object bytes(LogicalType logical, Object value) {
    byte[] bytes;
    if (value instanceof GenericFixed fixed) {
      bytes = fixed.bytes();
    } else {
      ByteBuffer b = ((ByteBuffer) value).duplicate();
      bytes = new byte[b.remaining()];
      b.get(bytes);
    }
    if (logical instanceof LogicalTypes.Decimal d) {
      return new BigDecimal(new BigInteger(bytes), d.getScale());
    }
    return bytes;
  }
}

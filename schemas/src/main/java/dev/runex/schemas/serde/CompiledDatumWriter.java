package dev.runex.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.util.Utf8;

/**
 * Writes generated (specific) records with writers built once per schema: one small writer per
 * field, unions resolved by a type check per branch. Same bytes as Avro's {@link
 * SpecificDatumWriter}, which for every record whose schema has a logical type (our timestamps)
 * takes its generic path instead — conversion and union lookups by name for every field of every
 * record (the Avro compiler generates its fast custom coders only for schemas without logical
 * types). A schema with something this writer does not know (a logical type other than {@code
 * timestamp-millis}) gets Avro's own writer ({@link #of}).
 */
final class CompiledDatumWriter<T> implements DatumWriter<T> {
  /** Writes one value of a known schema. */
  @FunctionalInterface
  private interface ValueWriter {
    void write(Object datum, Encoder out) throws IOException;
  }

  private final ValueWriter root;

  private CompiledDatumWriter(ValueWriter root) {
    this.root = root;
  }

  /**
   * A compiled writer for {@code schema}, or Avro's {@link SpecificDatumWriter} when it has types
   * this one does not know.
   */
  static <T> DatumWriter<T> of(Schema schema) {
    try {
      return new CompiledDatumWriter<>(new Compiler().writer(schema));
    } catch (UnsupportedOperationException e) {
      return new SpecificDatumWriter<>(schema);
    }
  }

  @Override
  public void setSchema(Schema schema) {
    throw new UnsupportedOperationException(
        "a compiled writer is built for one schema: use CompiledDatumWriter.of");
  }

  @Override
  public void write(T datum, Encoder out) throws IOException {
    root.write(datum, out);
  }

  /**
   * Builds the writers of one schema; named types are compiled once (and may refer to themselves).
   */
  private static final class Compiler {
    private final Map<String, ValueWriter[]> records = new HashMap<>();

    ValueWriter writer(Schema s) {
      LogicalType logical = s.getLogicalType();
      if (logical != null
          && !(logical instanceof LogicalTypes.TimestampMillis
              && s.getType() == Schema.Type.LONG)) {
        throw new UnsupportedOperationException("logical type " + logical.getName());
      }
      return switch (s.getType()) {
        case NULL ->
            (d, out) -> {
              if (d != null) {
                throw new AvroRuntimeException("not null: " + d);
              }
              out.writeNull();
            };
        case BOOLEAN -> (d, out) -> out.writeBoolean((Boolean) d);
        case INT -> (d, out) -> out.writeInt(((Number) d).intValue());
        case LONG ->
            logical == null
                ? (d, out) -> out.writeLong((Long) d)
                : (d, out) -> out.writeLong(d instanceof Instant i ? i.toEpochMilli() : (Long) d);
        case FLOAT -> (d, out) -> out.writeFloat((Float) d);
        case DOUBLE -> (d, out) -> out.writeDouble((Double) d);
        case STRING -> CompiledDatumWriter::writeString;
        case BYTES -> (d, out) -> out.writeBytes(((ByteBuffer) d).duplicate());
        case FIXED -> (d, out) -> out.writeFixed(((GenericFixed) d).bytes(), 0, s.getFixedSize());
        case ENUM -> enumWriter(s);
        case ARRAY -> arrayWriter(writer(s.getElementType()));
        case MAP -> mapWriter(writer(s.getValueType()));
        case UNION -> unionWriter(s);
        case RECORD -> recordWriter(s);
      };
    }

    private static ValueWriter enumWriter(Schema s) {
      EnumOrdinals ordinals = new EnumOrdinals(s.getEnumSymbols());
      return (d, out) -> {
        if (d instanceof Enum<?> e && ordinals.sameOrder(e.getDeclaringClass())) {
          out.writeEnum(e.ordinal());
        } else {
          out.writeEnum(s.getEnumOrdinal(d instanceof Enum<?> e ? e.name() : d.toString()));
        }
      };
    }

    private static ValueWriter arrayWriter(ValueWriter items) {
      return (d, out) -> {
        Collection<?> list = (Collection<?>) d;
        out.writeArrayStart();
        out.setItemCount(list.size());
        if (list instanceof List<?> l && l instanceof java.util.RandomAccess) {
          for (int i = 0, n = l.size(); i < n; i++) {
            out.startItem();
            items.write(l.get(i), out);
          }
        } else {
          for (Object item : list) {
            out.startItem();
            items.write(item, out);
          }
        }
        out.writeArrayEnd();
      };
    }

    private static ValueWriter mapWriter(ValueWriter values) {
      return (d, out) -> {
        Map<?, ?> map = (Map<?, ?>) d;
        out.writeMapStart();
        out.setItemCount(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.startItem();
          writeString(e.getKey(), out);
          values.write(e.getValue(), out);
        }
        out.writeMapEnd();
      };
    }

    private ValueWriter recordWriter(Schema s) {
      ValueWriter[] fields = records.get(s.getFullName());
      if (fields == null) {
        fields = new ValueWriter[s.getFields().size()];
        records.put(s.getFullName(), fields); // before the fields: a record may contain itself
        for (Schema.Field f : s.getFields()) {
          fields[f.pos()] = writer(f.schema());
        }
      }
      ValueWriter[] writers = fields;
      return (d, out) -> {
        IndexedRecord r = (IndexedRecord) d;
        for (int i = 0; i < writers.length; i++) {
          try {
            writers[i].write(r.get(i), out);
          } catch (NullPointerException | ClassCastException e) {
            throw new AvroRuntimeException(
                "cannot write field "
                    + s.getFields().get(i).name()
                    + " of "
                    + s.getFullName()
                    + ": "
                    + e,
                e);
          }
        }
      };
    }

    private ValueWriter unionWriter(Schema union) {
      List<Schema> branches = union.getTypes();
      Predicate<Object>[] takes = branchTests(branches);
      ValueWriter[] writers = new ValueWriter[branches.size()];
      for (int i = 0; i < branches.size(); i++) {
        writers[i] = writer(branches.get(i));
      }
      int nullBranch = indexOfNull(branches);
      if (branches.size() == 2 && nullBranch >= 0) {
        // [null, X] or [X, null], nearly every union we have: no search for the branch
        int other = 1 - nullBranch;
        Predicate<Object> takesOther = takes[other];
        ValueWriter otherWriter = writers[other];
        return (d, out) -> {
          if (d == null) {
            out.writeIndex(nullBranch);
            out.writeNull();
          } else if (takesOther.test(d)) {
            out.writeIndex(other);
            otherWriter.write(d, out);
          } else {
            throw new UnresolvedUnionException(union, d);
          }
        };
      }
      return (d, out) -> {
        for (int i = 0; i < takes.length; i++) {
          if (takes[i].test(d)) {
            out.writeIndex(i);
            writers[i].write(d, out);
            return;
          }
        }
        throw new UnresolvedUnionException(union, d);
      };
    }

    private static int indexOfNull(List<Schema> branches) {
      for (int i = 0; i < branches.size(); i++) {
        if (branches.get(i).getType() == Schema.Type.NULL) {
          return i;
        }
      }
      return -1;
    }

    @SuppressWarnings("unchecked")
    private static Predicate<Object>[] branchTests(List<Schema> branches) {
      Predicate<Object>[] tests = new Predicate[branches.size()];
      for (int i = 0; i < branches.size(); i++) {
        tests[i] = takes(branches.get(i));
      }
      return tests;
    }

    /** Which values a union branch takes: the Java types Avro's specific model maps to it. */
    private static Predicate<Object> takes(Schema branch) {
      String name =
          branch.getType() == Schema.Type.RECORD
                  || branch.getType() == Schema.Type.ENUM
                  || branch.getType() == Schema.Type.FIXED
              ? branch.getFullName()
              : null;
      boolean timestamp = branch.getLogicalType() != null;
      return switch (branch.getType()) {
        case NULL -> d -> d == null;
        case BOOLEAN -> d -> d instanceof Boolean;
        case INT -> d -> d instanceof Integer;
        case LONG ->
            timestamp ? d -> d instanceof Long || d instanceof Instant : d -> d instanceof Long;
        case FLOAT -> d -> d instanceof Float;
        case DOUBLE -> d -> d instanceof Double;
        case STRING -> d -> d instanceof CharSequence;
        case BYTES -> d -> d instanceof ByteBuffer;
        case ARRAY -> d -> d instanceof Collection<?>;
        case MAP -> d -> d instanceof Map<?, ?>;
        case RECORD ->
            d -> d instanceof IndexedRecord r && name.equals(r.getSchema().getFullName());
        case ENUM ->
            d ->
                (d instanceof GenericEnumSymbol<?> e && name.equals(e.getSchema().getFullName()))
                    || (d instanceof Enum<?>
                        && !(d instanceof GenericContainer)
                        && name.equals(d.getClass().getName()));
        case FIXED -> d -> d instanceof GenericFixed f && name.equals(f.getSchema().getFullName());
        case UNION -> d -> false;
      };
    }
  }

  /**
   * Whether a Java enum's constants are the schema's symbols in the same order, so a constant's
   * ordinal is its symbol's index (true of the classes Avro generates); the answer is remembered
   * for the last class asked about.
   */
  private static final class EnumOrdinals {
    private final List<String> symbols;

    /** The last class checked and its answer, published together. */
    private volatile Checked last;

    private record Checked(Class<?> enumClass, boolean sameOrder) {}

    EnumOrdinals(List<String> symbols) {
      this.symbols = symbols;
    }

    boolean sameOrder(Class<?> enumClass) {
      Checked checked = last;
      if (checked == null || checked.enumClass() != enumClass) {
        checked = new Checked(enumClass, check(enumClass));
        last = checked;
      }
      return checked.sameOrder();
    }

    private boolean check(Class<?> enumClass) {
      Object[] constants = enumClass.getEnumConstants();
      if (constants.length != symbols.size()) {
        return false;
      }
      for (int i = 0; i < constants.length; i++) {
        if (!((Enum<?>) constants[i]).name().equals(symbols.get(i))) {
          return false;
        }
      }
      return true;
    }
  }

  private static void writeString(Object d, Encoder out) throws IOException {
    if (d instanceof String s) {
      out.writeString(s);
    } else if (d instanceof Utf8 u) {
      out.writeString(u);
    } else {
      out.writeString(d.toString());
    }
  }
}

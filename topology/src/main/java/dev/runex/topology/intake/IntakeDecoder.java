package dev.runex.topology.intake;

import dev.runex.schemas.JobRequest;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.serde.ConfluentAvroDeserializer;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.SchemaNotFoundException;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.UnsupportedSchemaException;
import dev.runex.topology.intake.DecodeResult.Decoded;
import dev.runex.topology.intake.DecodeResult.Undecodable;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns an intake record's value into a {@link JobRequest}, or says why it cannot, with a stable
 * reason code. Pure apart from schema lookups in the registry.
 *
 * <ul>
 *   <li>null or empty → {@link ReasonCode#EMPTY}; larger than the intake cap → {@link
 *       ReasonCode#TOO_LARGE} (checked before any decoding, so a huge record costs nothing);
 *   <li>first byte 0 → Confluent-framed Avro: {@link ReasonCode#UNKNOWN_SCHEMA_ID}, {@link
 *       ReasonCode#MALFORMED_AVRO}; framed with the id of a schema that is not Avro (Protobuf, JSON
 *       Schema) → {@link ReasonCode#UNSUPPORTED_ENCODING};
 *   <li>first non-blank byte <code>'{'</code> → JSON (see {@link JsonRequestParser}): {@link
 *       ReasonCode#MALFORMED_JSON}, {@link ReasonCode#UNKNOWN_FIELD}, {@link ReasonCode#BAD_FIELD};
 *   <li>other valid UTF-8 text → {@link ReasonCode#MALFORMED_JSON}; anything else → {@link
 *       ReasonCode#UNSUPPORTED_ENCODING}.
 * </ul>
 *
 * <p>A registry that cannot answer is not the record's fault: {@link RegistryUnavailableException}
 * is thrown instead of a result, so the record is retried rather than dead-lettered. That is the
 * only exception that leaves {@link #decode}, whatever the bytes and whatever the registry client
 * does.
 */
public final class IntakeDecoder {
  private static final int FRAME_HEADER = 5;

  private final ConfluentAvroDeserializer<JobRequest> avro;
  private final JsonRequestParser json = new JsonRequestParser();
  private final int maxRequestBytes;

  public IntakeDecoder(SchemaRegistryClient registry, int maxRequestBytes) {
    this.avro = new ConfluentAvroDeserializer<>(classifying(registry), JobRequest.class);
    this.maxRequestBytes = maxRequestBytes;
  }

  /** Decodes one intake value; {@code topic} only labels error messages. */
  public DecodeResult decode(String topic, byte[] value) {
    if (value == null || value.length == 0) {
      return new Undecodable(
          IntakeFormat.UNKNOWN, ReasonCode.EMPTY.code(), "the record has no value");
    }
    IntakeFormat format = sniff(value);
    if (value.length > maxRequestBytes) {
      return new Undecodable(
          format,
          ReasonCode.TOO_LARGE.code(),
          "the record is "
              + value.length
              + " bytes, above runex.intake.maxRequestBytes ("
              + maxRequestBytes
              + ")");
    }
    return switch (format) {
      case AVRO -> decodeAvro(topic, value);
      case JSON -> json.parse(value);
      case UNKNOWN ->
          IntakeKeys.utf8OrNull(value) != null
              ? new Undecodable(
                  IntakeFormat.UNKNOWN,
                  ReasonCode.MALFORMED_JSON.code(),
                  "text that is not a JSON object (must start with '{')")
              : new Undecodable(
                  IntakeFormat.UNKNOWN,
                  ReasonCode.UNSUPPORTED_ENCODING.code(),
                  "neither JSON (UTF-8, starting with '{') nor Confluent-framed Avro (magic byte 0)");
    };
  }

  /** Recognises the encoding from the first bytes only, without decoding. */
  static IntakeFormat sniff(byte[] value) {
    if (value[0] == ConfluentAvroSerializer.MAGIC) {
      return IntakeFormat.AVRO;
    }
    int i = 0;
    if (value.length >= 3
        && (value[0] & 0xff) == 0xEF
        && (value[1] & 0xff) == 0xBB
        && (value[2] & 0xff) == 0xBF) {
      i = 3; // a UTF-8 byte-order mark, as some Windows tools write
    }
    while (i < value.length && isJsonWhitespace(value[i])) {
      i++;
    }
    return i < value.length && value[i] == '{' ? IntakeFormat.JSON : IntakeFormat.UNKNOWN;
  }

  private DecodeResult decodeAvro(String topic, byte[] value) {
    if (value.length <= FRAME_HEADER) {
      return new Undecodable(
          IntakeFormat.AVRO,
          ReasonCode.MALFORMED_AVRO.code(),
          "Confluent-framed Avro needs a 5-byte header and a body, got " + value.length + " bytes");
    }
    int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
    try {
      // the deserializer looks the writer schema up (once per id) through the classifying client
      return new Decoded(avro.deserialize(topic, value), IntakeFormat.AVRO);
    } catch (SchemaNotFoundException e) {
      return new Undecodable(
          IntakeFormat.AVRO,
          ReasonCode.UNKNOWN_SCHEMA_ID.code(),
          "schema id " + schemaId + " is not known to the schema registry");
    } catch (UnsupportedSchemaException e) {
      return new Undecodable(
          IntakeFormat.UNKNOWN,
          ReasonCode.UNSUPPORTED_ENCODING.code(),
          e.getMessage() + ": intake takes JSON or Confluent-framed Avro");
    } catch (SerializationException e) {
      return new Undecodable(
          IntakeFormat.AVRO,
          ReasonCode.MALFORMED_AVRO.code(),
          "cannot read a JobRequest with schema id " + schemaId + ": " + rootMessage(e));
    }
  }

  /**
   * The registry as the decoder needs it: an answer about the record (a schema, "not found", "not
   * Avro"), or {@link RegistryUnavailableException} for every other way a lookup can fail — no
   * answer, an answer without a schema, a client that breaks — since none of those is the record's
   * fault. The deserializer looks schemas up through this.
   */
  private static SchemaRegistryClient classifying(SchemaRegistryClient registry) {
    return new SchemaRegistryClient() {
      @Override
      public int register(String subject, Schema schema) {
        return registry.register(subject, schema);
      }

      @Override
      public Schema getById(int id) {
        Schema schema;
        try {
          schema = registry.getById(id);
        } catch (SchemaNotFoundException | UnsupportedSchemaException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new RegistryUnavailableException(
              "cannot look up schema id " + id + ": " + e.getMessage(), e);
        }
        if (schema == null) {
          throw new RegistryUnavailableException(
              "the schema registry client gave no schema for id " + id, null);
        }
        return schema;
      }
    };
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static boolean isJsonWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}

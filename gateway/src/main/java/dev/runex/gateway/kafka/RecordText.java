package dev.runex.gateway.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.serde.ConfluentAvroDeserializer;
import dev.runex.schemas.serde.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Renders a record value from an external topic as JSON, whatever its encoding: Confluent-framed
 * Avro (decoded with the writer schema from the registry) or JSON as written.
 */
public final class RecordText {
  private final SchemaRegistryClient registry;

  public RecordText(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  public JsonNode toJson(byte[] value) {
    if (value == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (value.length > 0 && value[0] == 0) {
      int id = ConfluentAvroDeserializer.schemaId(value);
      Schema writer = registry.getById(id);
      try {
        GenericRecord rec =
            new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
        return AvroJson.toJson(rec);
      } catch (IOException e) {
        throw new IllegalStateException("cannot decode Avro record with schema id " + id, e);
      }
    }
    try {
      return AvroJson.MAPPER.readTree(value);
    } catch (IOException e) {
      return JsonNodeFactory.instance.textNode(
          "<undecodable: " + Base64.getEncoder().encodeToString(value) + ">");
    }
  }

  public static String key(byte[] key) {
    return key == null ? "" : new String(key, StandardCharsets.UTF_8);
  }
}

package dev.runex.connectors.avro;

import dev.runex.connectors.ConnectorsVersion;
import dev.runex.schemas.serde.ConfluentAvroDeserializer;
import dev.runex.schemas.serde.SchemaNotFoundException;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;

/**
 * Reads Confluent-framed Avro (magic byte 0, 4-byte schema id, Avro binary) — what runex writes to
 * its results, events and dead-letter topics — into Connect structs, fetching each writer schema
 * from the registry's Confluent-compatible API (Apicurio's {@code /apis/ccompat/v7}, Confluent
 * Schema Registry, Karapace) once per id. Confluent's own AvroConverter is not on Maven Central;
 * this one needs nothing but runex's registry client. See {@link AvroConnectMapping} for how types
 * map.
 *
 * <p>Reading only: use it as a sink connector's {@code value.converter}. A source connector (which
 * would need {@link #fromConnectData}) gets a clear error.
 *
 * <p>Errors: bytes that are not Confluent-framed (e.g. a topic runex writes as JSON) or whose
 * schema id the registry does not know fail as {@link DataException} (for errors.tolerance and the
 * dead-letter topic); an unreachable registry as {@link RetriableException}, so Connect retries.
 */
public final class RunexAvroConverter implements Converter, Versioned {
  public static final String REGISTRY_URL = "schema.registry.url";

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              REGISTRY_URL,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "The schema registry's Confluent-compatible base URL, the same value as runex's"
                  + " runex.schemaRegistryUrl (for Apicurio: http://host:8081/apis/ccompat/v7)."
                  + " Set as value.converter.schema.registry.url.");

  private SchemaRegistryClient registry;
  private final Map<Integer, WriterSchema> writers = new ConcurrentHashMap<>();

  /** A writer schema with its reader and Connect schema, built once per schema id. */
  private record WriterSchema(
      org.apache.avro.Schema avro, Schema connect, GenericDatumReader<Object> reader) {}

  public RunexAvroConverter() {}

  /** A converter on a given registry client (tests). */
  RunexAvroConverter(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  @Override
  public ConfigDef config() {
    return CONFIG_DEF;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AbstractConfig cfg = new AbstractConfig(CONFIG_DEF, configs);
    if (registry == null) {
      registry = SchemaRegistryClient.forUrl(cfg.getString(REGISTRY_URL));
    }
  }

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] value) {
    if (value == null) {
      return SchemaAndValue.NULL;
    }
    int id;
    try {
      id = ConfluentAvroDeserializer.schemaId(value);
    } catch (SerializationException e) {
      throw new DataException(
          "record on "
              + topic
              + " is "
              + e.getMessage()
              + " (a topic runex writes as JSON, runex.outputFormat=json, reads with"
              + " org.apache.kafka.connect.json.JsonConverter and schemas.enable=false)",
          e);
    }
    WriterSchema writer = writers.computeIfAbsent(id, this::writerSchema);
    Object datum;
    try {
      datum =
          writer
              .reader()
              .read(null, DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
    } catch (IOException | RuntimeException e) {
      throw new DataException(
          "cannot decode Avro (schema id " + id + ") from " + topic + ": " + e, e);
    }
    return new SchemaAndValue(
        writer.connect(), AvroConnectMapping.value(writer.avro(), writer.connect(), datum));
  }

  private WriterSchema writerSchema(int id) {
    org.apache.avro.Schema avro;
    try {
      avro = registry.getById(id);
    } catch (SchemaRegistryUnavailableException e) {
      throw new RetriableException("schema registry unavailable for schema id " + id, e);
    } catch (SchemaNotFoundException e) {
      throw new DataException("the schema registry has no schema id " + id, e);
    }
    // a fresh GenericData: no logical-type conversions, so the mapping sees the raw encodings
    return new WriterSchema(
        avro,
        AvroConnectMapping.schema(avro),
        new GenericDatumReader<>(avro, avro, new GenericData()));
  }

  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    throw new DataException(
        getClass().getSimpleName()
            + " only reads (a sink connector's value.converter); it cannot write to "
            + topic);
  }

  @Override
  public String version() {
    return ConnectorsVersion.get();
  }

  @Override
  public void close() {
    writers.clear();
  }
}

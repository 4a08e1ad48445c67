package dev.runex.connectors.avro;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.Test;

/**
 * The shipped JDBC sink config's transform chain, applied to what our converter makes of a real
 * JobResult: the row the JDBC sink writes has flat, snake_case columns and no map.
 */
class JobsTableTransformsTest {

  @Test
  void shippedTransformsTurnAResultIntoOneFlatRow() throws Exception {
    Map<String, String> config = shippedConfig("runex-jobs-jdbc.json");
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    RunexAvroConverter converter = new RunexAvroConverter(registry);
    converter.configure(Map.of(RunexAvroConverter.REGISTRY_URL, "mock://unused"), false);
    JobResult result = RunexAvroConverterTest.failedResult();
    byte[] bytes =
        new ConfluentAvroSerializer<JobResult>(registry, false).serialize("runex.results", result);
    SchemaAndValue value = converter.toConnectData("runex.results", bytes);
    SinkRecord record =
        new SinkRecord(
            "runex.results", 0, Schema.STRING_SCHEMA, "job-7", value.schema(), value.value(), 9);

    for (Transformation<SinkRecord> t : transforms(config)) {
      record = t.apply(record);
    }

    Struct row = (Struct) record.value();
    List<String> columns = row.schema().fields().stream().map(Field::name).toList();
    assertThat(columns)
        .containsExactly(
            "id",
            "type",
            "tenant",
            "status",
            "output",
            "error_code",
            "error_message",
            "error_exception_class",
            "error_retryable",
            "attempts",
            "submitted_at",
            "started_at",
            "finished_at",
            "worker_id",
            "usage_wall_ms",
            "usage_cpu_ms",
            "usage_peak_memory_bytes",
            "usage_limit",
            "usage_output_bytes",
            "usage_output_truncated",
            "usage_exit_code",
            "usage_signal",
            "usage_http_status",
            "usage_isolation",
            "duplicate_of");
    assertThat(row.schema().fields())
        .allSatisfy(f -> assertThat(f.schema().type().isPrimitive()).as(f.name()).isTrue());
    assertThat(row.getString("status")).isEqualTo("FAILED");
    assertThat(row.getInt32("attempts")).isEqualTo(3);
    assertThat(row.getInt64("usage_wall_ms")).isEqualTo(2375L);
    assertThat(row.getString("error_code")).isEqualTo("HANDLER_ERROR");
    assertThat(config.get("primary.key.fields")).isEqualTo("id");
  }

  static Map<String, String> shippedConfig(String file) throws Exception {
    Path home = Path.of(System.getProperty("runex.home", ".."));
    JsonNode json =
        new ObjectMapper().readTree(home.resolve("connectors/config").resolve(file).toFile());
    Map<String, String> config = new HashMap<>();
    json.path("config")
        .fields()
        .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
    return config;
  }

  @SuppressWarnings("unchecked")
  private static List<Transformation<SinkRecord>> transforms(Map<String, String> config)
      throws Exception {
    List<Transformation<SinkRecord>> out = new java.util.ArrayList<>();
    for (String alias : config.get("transforms").split(",")) {
      String prefix = "transforms." + alias.trim() + ".";
      Transformation<SinkRecord> t =
          (Transformation<SinkRecord>)
              Class.forName(config.get(prefix + "type")).getDeclaredConstructor().newInstance();
      Map<String, String> props = new HashMap<>();
      config.forEach(
          (k, v) -> {
            if (k.startsWith(prefix) && !k.equals(prefix + "type")) {
              props.put(k.substring(prefix.length()), v);
            }
          });
      t.configure(props);
      out.add(t);
    }
    return out;
  }
}

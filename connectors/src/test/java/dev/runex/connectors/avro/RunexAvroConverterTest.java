package dev.runex.connectors.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.connectors.webhook.WebhookBody;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ResourceUsage;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.InMemorySchemaRegistry;
import dev.runex.schemas.serde.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

class RunexAvroConverterTest {
  private static final Instant SUBMITTED = Instant.parse("2026-12-03T10:00:00.125Z");
  private static final Instant FINISHED = Instant.parse("2026-12-03T10:00:02.500Z");

  private final SchemaRegistryClient registry = new InMemorySchemaRegistry();
  private final RunexAvroConverter converter = new RunexAvroConverter(registry);

  RunexAvroConverterTest() {
    converter.configure(Map.of(RunexAvroConverter.REGISTRY_URL, "mock://unused"), false);
  }

  static JobResult failedResult() {
    return JobResult.newBuilder()
        .setId("job-7")
        .setType("fail")
        .setTenant("demo")
        .setStatus(JobStatus.FAILED)
        .setError(
            ErrorInfo.newBuilder()
                .setCode("HANDLER_ERROR")
                .setMessage("boom")
                .setRetryable(false)
                .build())
        .setAttempts(3)
        .setSubmittedAt(SUBMITTED)
        .setFinishedAt(FINISHED)
        .setWorkerId("w-1")
        .setLabels(Map.of("team", "core"))
        .setUsage(
            ResourceUsage.newBuilder()
                .setWallMs(2375)
                .setCpuMs(120L)
                .setIsolation("in-process")
                .build())
        .build();
  }

  byte[] framed(JobResult result) {
    return new ConfluentAvroSerializer<JobResult>(registry, false)
        .serialize("runex.results", result);
  }

  @Test
  void readsAFramedJobResultIntoAStructWithTypedFields() {
    SchemaAndValue data = converter.toConnectData("runex.results", framed(failedResult()));

    Struct s = (Struct) data.value();
    assertThat(data.schema().name()).isEqualTo("dev.runex.schemas.JobResult");
    assertThat(s.getString("id")).isEqualTo("job-7");
    assertThat(s.getString("status")).isEqualTo("FAILED");
    assertThat(s.getInt32("attempts")).isEqualTo(3);
    assertThat(data.schema().field("submittedAt").schema().name())
        .isEqualTo(Timestamp.LOGICAL_NAME);
    assertThat(data.schema().field("submittedAt").schema().isOptional()).isTrue();
    assertThat(data.schema().field("finishedAt").schema().isOptional()).isFalse();
    assertThat(s.get("submittedAt")).isEqualTo(Date.from(SUBMITTED));
    assertThat(s.get("startedAt")).isNull();
    assertThat(s.getStruct("error").getString("code")).isEqualTo("HANDLER_ERROR");
    assertThat(s.getStruct("usage").getInt64("wallMs")).isEqualTo(2375L);
    assertThat(s.getStruct("usage").getInt64("peakMemoryBytes")).isNull();
    assertThat(s.getMap("labels")).isEqualTo(Map.of("team", "core"));
    s.validate();
  }

  @Test
  void theWebhookBodyOfAConvertedResultIsRunexsOwnJsonForm() throws Exception {
    JobResult result = failedResult();
    // a handler's output is text, often JSON: it must stay the string runex wrote
    result.setOutput("{\"message\":\"hi\"}");
    SchemaAndValue data = converter.toConnectData("runex.results", framed(result));

    String body = new String(WebhookBody.json(data.schema(), data.value()), StandardCharsets.UTF_8);

    // byte for byte what runex itself writes with runex.outputFormat: json
    assertThat(body).isEqualTo(new String(AvroJson.toBytes(result), StandardCharsets.UTF_8));
    JsonNode parsed = new ObjectMapper().readTree(body);
    assertThat(parsed.path("finishedAt").asText()).isEqualTo("2026-12-03T10:00:02.500Z");
    assertThat(parsed.path("usage").path("wallMs").asLong()).isEqualTo(2375L);
  }

  @Test
  void reusesOneConnectSchemaPerWriterSchema() {
    Schema first = converter.toConnectData("t", framed(failedResult())).schema();
    Schema second = converter.toConnectData("t", framed(failedResult())).schema();

    assertThat(second).isSameAs(first);
  }

  @Test
  void mapsLogicalTypesBytesArraysAndEnums() throws Exception {
    org.apache.avro.Schema decimal =
        LogicalTypes.decimal(9, 2)
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES));
    org.apache.avro.Schema date =
        LogicalTypes.date()
            .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
    org.apache.avro.Schema schema =
        SchemaBuilder.record("Sample")
            .namespace("t")
            .fields()
            .name("price")
            .type(decimal)
            .noDefault()
            .name("day")
            .type(date)
            .noDefault()
            .name("raw")
            .type()
            .bytesType()
            .noDefault()
            .name("tags")
            .type()
            .array()
            .items()
            .stringType()
            .noDefault()
            .name("colour")
            .type()
            .enumeration("Colour")
            .symbols("RED", "GREEN")
            .noDefault()
            .name("ratio")
            .type()
            .optional()
            .doubleType()
            .endRecord();
    GenericRecord record = new GenericData.Record(schema);
    record.put("price", ByteBuffer.wrap(new BigDecimal("12.34").unscaledValue().toByteArray()));
    record.put("day", 3);
    record.put("raw", ByteBuffer.wrap(new byte[] {1, 2}));
    record.put("tags", List.of("a", "b"));
    record.put("colour", new GenericData.EnumSymbol(schema.getField("colour").schema(), "GREEN"));
    record.put("ratio", 0.5);

    Struct s = (Struct) converter.toConnectData("t", framedGeneric(schema, record)).value();

    assertThat(s.schema().field("price").schema().name()).isEqualTo(Decimal.LOGICAL_NAME);
    assertThat(s.get("price")).isEqualTo(new BigDecimal("12.34"));
    assertThat(s.get("day")).isEqualTo(new Date(3 * 86_400_000L));
    assertThat(s.getBytes("raw")).containsExactly(1, 2);
    assertThat(s.getArray("tags")).containsExactly("a", "b");
    assertThat(s.getString("colour")).isEqualTo("GREEN");
    assertThat(s.getFloat64("ratio")).isEqualTo(0.5);
    assertThat(new String(WebhookBody.json(s.schema(), s), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"price\":12.34,\"day\":\"1970-01-04\",\"raw\":\"AQI=\",\"tags\":[\"a\",\"b\"],"
                + "\"colour\":\"GREEN\",\"ratio\":0.5}");
  }

  @Test
  void refusesAUnionConnectCannotExpressNamingIt() throws Exception {
    org.apache.avro.Schema schema =
        SchemaBuilder.record("Either")
            .fields()
            .name("v")
            .type()
            .unionOf()
            .stringType()
            .and()
            .intType()
            .endUnion()
            .noDefault()
            .endRecord();
    GenericRecord record = new GenericData.Record(schema);
    record.put("v", 1);

    assertThatThrownBy(() -> converter.toConnectData("t", framedGeneric(schema, record)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("2 non-null branches");
  }

  @Test
  void jsonBytesGetAClearErrorPointingToTheJsonConverter() {
    assertThatThrownBy(
            () ->
                converter.toConnectData(
                    "runex.results", "{\"id\":\"job-1\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("not Confluent-framed Avro")
        .hasMessageContaining("JsonConverter");
  }

  @Test
  void anUnknownSchemaIdIsADataError() {
    assertThatThrownBy(() -> converter.toConnectData("t", new byte[] {0, 0, 0, 3, (byte) 232, 2}))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("1000");
  }

  @Test
  void anUnreachableRegistryIsRetriableSoConnectRetriesInsteadOfDeadLettering() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    RunexAvroConverter unreachable = new RunexAvroConverter();
    unreachable.configure(
        Map.of(
            RunexAvroConverter.REGISTRY_URL, "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7"),
        false);

    assertThatThrownBy(() -> unreachable.toConnectData("t", framed(failedResult())))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("schema registry unavailable");
  }

  @Test
  void nullIsATombstoneAndWritingIsRefused() {
    assertThat(converter.toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
    assertThatThrownBy(() -> converter.fromConnectData("t", Schema.STRING_SCHEMA, "x"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("only reads");
  }

  private byte[] framedGeneric(org.apache.avro.Schema schema, GenericRecord record)
      throws Exception {
    int id = registry.register("t-value", schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }
}

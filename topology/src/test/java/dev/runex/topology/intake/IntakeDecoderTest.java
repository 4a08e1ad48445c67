package dev.runex.topology.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.intake.DecodeResult.Decoded;
import dev.runex.topology.intake.DecodeResult.Undecodable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntakeDecoderTest {
  private static final String TOPIC = "runex.intake";
  private final SchemaRegistryClient registry = TestConfigs.freshRegistry();
  private final IntakeDecoder decoder = new IntakeDecoder(registry, 1024);

  @Test
  void decodesJsonRequestWithEveryField() {
    // given
    String json =
        """
        { "id": "job-1", "type": "resize", "tenant": "acme",
          "params": {"width": 640, "ratio": 1.5, "sharpen": true, "label": "x", "options": {"a": [1, 2]}, "none": null},
          "notBefore": "2026-11-25T23:00:00Z", "timeout": "PT30S", "maxAttempts": 3,
          "partitionKey": "customer-7", "idempotencyKey": "idem-1", "labels": {"team": "img"} }
        """;

    // when
    DecodeResult result = decoder.decode(TOPIC, utf8(json));

    // then
    assertThat(result).isInstanceOf(Decoded.class);
    assertThat(result.format()).isEqualTo(IntakeFormat.JSON);
    JobRequest r = ((Decoded) result).request();
    assertThat(r.getId()).isEqualTo("job-1");
    assertThat(r.getType()).isEqualTo("resize");
    assertThat(r.getTenant()).isEqualTo("acme");
    assertThat(r.getParams())
        .containsEntry("width", 640L)
        .containsEntry("ratio", 1.5)
        .containsEntry("sharpen", true)
        .containsEntry("label", "x")
        .containsEntry("options", "{\"a\":[1,2]}")
        .containsEntry("none", null);
    assertThat(r.getNotBefore()).isEqualTo(Instant.parse("2026-11-25T23:00:00Z"));
    assertThat(r.getDelayMs()).isNull();
    assertThat(r.getTimeoutMs()).isEqualTo(30_000L);
    assertThat(r.getMaxAttempts()).isEqualTo(3);
    assertThat(r.getPartitionKey()).isEqualTo("customer-7");
    assertThat(r.getIdempotencyKey()).isEqualTo("idem-1");
    assertThat(r.getLabels()).containsExactly(Map.entry("team", "img"));
  }

  @Test
  void acceptsEpochMillisShortDurationsAndLeadingWhitespace() {
    // given
    String json =
        "  \n{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":1790000000000,\"timeout\":\"250ms\"}";
    String delayed = "{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"5s\"}";

    // when
    JobRequest r = ((Decoded) decoder.decode(TOPIC, utf8(json))).request();
    JobRequest d = ((Decoded) decoder.decode(TOPIC, utf8(delayed))).request();

    // then
    assertThat(r.getNotBefore()).isEqualTo(Instant.ofEpochMilli(1_790_000_000_000L));
    assertThat(r.getTimeoutMs()).isEqualTo(250L);
    assertThat(d.getDelayMs()).isEqualTo(5_000L);
  }

  @Test
  void holdsInstantsInMillisecondsNeverStartingBeforeNotBefore() {
    // given instants finer than the schemas' milliseconds
    String json =
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"2026-12-05T07:53:16.412942184Z\","
            + "\"expiresAt\":\"2026-12-05T08:00:00.000999Z\"}";
    String exact =
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"2026-12-05T07:53:16.412Z\"}";
    String early =
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"1969-12-31T23:59:59.9995Z\"}";

    // when
    JobRequest r = ((Decoded) decoder.decode(TOPIC, utf8(json))).request();
    JobRequest e = ((Decoded) decoder.decode(TOPIC, utf8(exact))).request();
    JobRequest b = ((Decoded) decoder.decode(TOPIC, utf8(early))).request();

    // then notBefore rounds up (not even a fraction of a millisecond early), expiresAt down
    assertThat(r.getNotBefore()).isEqualTo(Instant.parse("2026-12-05T07:53:16.413Z"));
    assertThat(r.getExpiresAt()).isEqualTo(Instant.parse("2026-12-05T08:00:00Z"));
    assertThat(e.getNotBefore()).isEqualTo(Instant.parse("2026-12-05T07:53:16.412Z"));
    assertThat(b.getNotBefore()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void leavesMissingTypeAndTenantBlankForTheValidator() {
    // when
    DecodeResult result = decoder.decode(TOPIC, utf8("{\"params\":{}}"));

    // then
    JobRequest r = ((Decoded) result).request();
    assertThat(r.getType()).isEmpty();
    assertThat(r.getTenant()).isEmpty();
  }

  @Test
  void rejectsMissingAndEmptyValuesAsEmpty() {
    assertThat(codeOf(decoder.decode(TOPIC, null))).isEqualTo(ReasonCode.EMPTY.code());
    assertThat(codeOf(decoder.decode(TOPIC, new byte[0]))).isEqualTo(ReasonCode.EMPTY.code());
  }

  @Test
  void rejectsValueAboveIntakeCapBeforeDecodingIt() {
    // given: garbage that would otherwise be MALFORMED_JSON
    byte[] big = new byte[1025];
    Arrays.fill(big, (byte) '{');

    // when
    DecodeResult result = decoder.decode(TOPIC, big);

    // then
    assertThat(codeOf(result)).isEqualTo(ReasonCode.TOO_LARGE.code());
    assertThat(((Undecodable) result).message()).contains("1025").contains("1024");
    assertThat(result.format()).isEqualTo(IntakeFormat.JSON);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"type\": \"echo\",",
        "{\"type\": \"echo\", \"type\": \"sleep\", \"tenant\": \"demo\"}",
        "{\"type\": \"echo\", \"tenant\": \"demo\"} trailing",
        "[{\"type\": \"echo\"}]",
        "type=echo"
      })
  void rejectsTextThatIsNotOneJsonObjectAsMalformedJson(String text) {
    assertThat(codeOf(decoder.decode(TOPIC, utf8(text))))
        .isEqualTo(ReasonCode.MALFORMED_JSON.code());
  }

  @Test
  void rejectsUnknownTopLevelFieldNamingIt() {
    // when
    DecodeResult result =
        decoder.decode(TOPIC, utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"comand\":\"rm\"}"));

    // then
    assertThat(codeOf(result)).isEqualTo(ReasonCode.UNKNOWN_FIELD.code());
    assertThat(((Undecodable) result).message()).contains("'comand'");
  }

  @Test
  void decodesPriorityCaseInsensitivelyAndLeavesItUnsetWhenAbsent() {
    // when
    JobRequest high =
        ((Decoded)
                decoder.decode(
                    TOPIC, utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"priority\":\"HIGH\"}")))
            .request();
    JobRequest low =
        ((Decoded)
                decoder.decode(
                    TOPIC, utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"priority\":\"low\"}")))
            .request();
    JobRequest unsaid =
        ((Decoded) decoder.decode(TOPIC, utf8("{\"type\":\"echo\",\"tenant\":\"demo\"}")))
            .request();

    // then
    assertThat(high.getPriority()).isEqualTo(JobPriority.HIGH);
    assertThat(low.getPriority()).isEqualTo(JobPriority.LOW);
    assertThat(unsaid.getPriority()).isNull();
  }

  @Test
  void decodesLimitsWithUnitsIntoBytesAndMillis() {
    // given
    String json =
        "{\"type\":\"echo\",\"tenant\":\"demo\",\"limits\":{\"memory\":\"64MB\",\"cpu\":\"5s\","
            + "\"pids\":8,\"fileSize\":1024,\"output\":\"1KB\",\"network\":false}}";

    // when
    JobRequest r = ((Decoded) decoder.decode(TOPIC, utf8(json))).request();

    // then
    assertThat(r.getLimits().getMemoryBytes()).isEqualTo(64L << 20);
    assertThat(r.getLimits().getCpuMs()).isEqualTo(5_000L);
    assertThat(r.getLimits().getPids()).isEqualTo(8);
    assertThat(r.getLimits().getFileSizeBytes()).isEqualTo(1024L);
    assertThat(r.getLimits().getOutputBytes()).isEqualTo(1024L);
    assertThat(r.getLimits().getNetwork()).isFalse();
  }

  @Test
  void rejectsUnknownLimitNamingIt() {
    DecodeResult result =
        decoder.decode(
            TOPIC, utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"limits\":{\"memroy\":1}}"));

    assertThat(codeOf(result)).isEqualTo(ReasonCode.UNKNOWN_FIELD.code());
    assertThat(((Undecodable) result).message()).contains("'limits.memroy'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"type\": 7                     | type",
        "\"maxAttempts\": \"3\"          | maxAttempts",
        "\"maxAttempts\": 2.5            | maxAttempts",
        "\"notBefore\": \"tomorrow\"     | notBefore",
        "\"notBefore\": true             | notBefore",
        "\"delay\": \"soon\"             | delay",
        "\"timeout\": {}                 | timeout",
        "\"params\": [1]                 | params",
        "\"labels\": {\"team\": 5}       | labels.team",
        "\"partitionKey\": 42            | partitionKey",
        "\"params\": {\"n\": 99999999999999999999999} | params.n",
        "\"limits\": {\"memory\": \"lots\"} | limits.memory",
        "\"limits\": {\"cpu\": \"soon\"}    | limits.cpu",
        "\"limits\": {\"network\": \"no\"}  | limits.network",
        "\"limits\": 5                      | limits",
        "\"priority\": \"urgent\"          | priority",
        "\"priority\": 1                    | priority"
      })
  void rejectsFieldOfWrongTypeNamingIt(String field, String name) {
    // given
    String json = "{\"tenant\": \"demo\", " + field + "}";

    // when
    DecodeResult result = decoder.decode(TOPIC, utf8(json));

    // then
    assertThat(codeOf(result)).isEqualTo(ReasonCode.BAD_FIELD.code());
    assertThat(((Undecodable) result).message()).startsWith(name + " ");
  }

  @Test
  void rejectsBinaryThatIsNeitherJsonNorAvroAsUnsupportedEncoding() {
    // when
    DecodeResult result = decoder.decode(TOPIC, new byte[] {(byte) 0xff, (byte) 0xfe, 0x01, 0x02});

    // then
    assertThat(codeOf(result)).isEqualTo(ReasonCode.UNSUPPORTED_ENCODING.code());
    assertThat(result.format()).isEqualTo(IntakeFormat.UNKNOWN);
  }

  @Test
  void decodesConfluentFramedAvroRequest() {
    // given
    JobRequest sent =
        JobRequest.newBuilder()
            .setId("job-9")
            .setType("echo")
            .setTenant("demo")
            .setParams(Map.of("message", "hi"))
            .setDelayMs(1500L)
            .build();
    byte[] bytes = new ConfluentAvroSerializer<JobRequest>(registry, false).serialize(TOPIC, sent);

    // when
    DecodeResult result = decoder.decode(TOPIC, bytes);

    // then
    assertThat(result.format()).isEqualTo(IntakeFormat.AVRO);
    assertThat(((Decoded) result).request()).isEqualTo(sent);
  }

  @Test
  void rejectsAvroWithUnknownSchemaId() {
    // given: a frame naming schema id 4242, which this registry never issued
    byte[] bytes =
        ByteBuffer.allocate(8).put((byte) 0).putInt(4242).put(new byte[] {2, 4, 6}).array();

    // when
    DecodeResult result = decoder.decode(TOPIC, bytes);

    // then
    assertThat(codeOf(result)).isEqualTo(ReasonCode.UNKNOWN_SCHEMA_ID.code());
    assertThat(((Undecodable) result).message()).contains("4242");
  }

  @Test
  void rejectsAvroBodyThatDoesNotMatchItsSchemaAsMalformed() {
    // given: a JobRequest frame cut short, and a frame carrying a different record type
    JobRequest sent = JobRequest.newBuilder().setType("echo").setTenant("demo").build();
    byte[] full = new ConfluentAvroSerializer<JobRequest>(registry, false).serialize(TOPIC, sent);
    byte[] truncated = Arrays.copyOf(full, 7);
    int jobSchemaId = registry.register("other-value", Job.getClassSchema());
    byte[] wrongRecord =
        ByteBuffer.allocate(7).put((byte) 0).putInt(jobSchemaId).put(new byte[] {2, 2}).array();

    // then
    assertThat(codeOf(decoder.decode(TOPIC, truncated)))
        .isEqualTo(ReasonCode.MALFORMED_AVRO.code());
    assertThat(codeOf(decoder.decode(TOPIC, wrongRecord)))
        .isEqualTo(ReasonCode.MALFORMED_AVRO.code());
    assertThat(codeOf(decoder.decode(TOPIC, new byte[] {0, 0, 0})))
        .isEqualTo(ReasonCode.MALFORMED_AVRO.code());
  }

  @Test
  void throwsInsteadOfRejectingWhenRegistryIsUnreachable() {
    // given
    SchemaRegistryClient down =
        new SchemaRegistryClient() {
          @Override
          public int register(String subject, Schema schema) {
            throw new dev.runex.schemas.serde.SchemaRegistryUnavailableException(
                "schema registry at http://x unreachable while trying to register", null);
          }

          @Override
          public Schema getById(int id) {
            throw new dev.runex.schemas.serde.SchemaRegistryUnavailableException(
                "schema registry at http://x unreachable while trying to fetch schema id " + id,
                null);
          }
        };
    byte[] bytes = ByteBuffer.allocate(8).put((byte) 0).putInt(1).put(new byte[] {2, 4, 6}).array();

    // then
    assertThatThrownBy(() -> new IntakeDecoder(down, 1024).decode(TOPIC, bytes))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("schema id 1");
  }

  @Test
  void aRegistryClientThatBreaksUnexpectedlyMakesTheRecordRetriedNotRejected() {
    // given: a client failing with an exception nobody planned for
    SchemaRegistryClient broken =
        new FaultyRegistry(registry, List.of(FaultyRegistry.Fault.UNEXPECTED));
    byte[] bytes =
        new ConfluentAvroSerializer<JobRequest>(registry, false)
            .serialize(TOPIC, JobRequest.newBuilder().setType("echo").setTenant("demo").build());

    // then: not the record's fault, so it is retried (a retriable exception), not dead-lettered
    assertThatThrownBy(() -> new IntakeDecoder(broken, 1024).decode(TOPIC, bytes))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRegistryClientAnsweringWithoutASchemaMakesTheRecordRetriedNotRejected() {
    // given
    SchemaRegistryClient empty = new FaultyRegistry(registry, List.of(FaultyRegistry.Fault.NULL));
    byte[] bytes =
        new ConfluentAvroSerializer<JobRequest>(registry, false)
            .serialize(TOPIC, JobRequest.newBuilder().setType("echo").setTenant("demo").build());

    // then: a good record is not refused as MALFORMED_AVRO because the client gave nothing
    assertThatThrownBy(() -> new IntakeDecoder(empty, 1024).decode(TOPIC, bytes))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("no schema");
  }

  private static String codeOf(DecodeResult result) {
    assertThat(result).isInstanceOf(Undecodable.class);
    return ((Undecodable) result).code();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.runex.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class WebhookBodyTest {

  private static String json(Schema schema, Object value) {
    return new String(WebhookBody.json(schema, value), StandardCharsets.UTF_8);
  }

  @Test
  void aJsonDocumentInAStringOrBytesIsForwardedAsThatDocument() {
    String doc = "{\"id\":\"job-1\",\"status\":\"SUCCEEDED\"}";

    assertThat(json(Schema.STRING_SCHEMA, doc)).isEqualTo(doc);
    assertThat(json(null, doc.getBytes(StandardCharsets.UTF_8))).isEqualTo(doc);
    assertThat(json(null, "[1,2]")).isEqualTo("[1,2]");
  }

  @Test
  void aJsonLookingStringInsideAStructStaysAString() {
    Schema schema =
        SchemaBuilder.struct()
            .field("output", Schema.STRING_SCHEMA)
            .field("raw", Schema.BYTES_SCHEMA)
            .build();
    Struct value =
        new Struct(schema)
            .put("output", "{\"message\":\"hi\"}")
            .put("raw", "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(json(schema, value))
        .isEqualTo("{\"output\":\"{\\\"message\\\":\\\"hi\\\"}\",\"raw\":\"e30=\"}");
  }

  @Test
  void otherStringsAndBytesBecomeJsonStrings() {
    assertThat(json(Schema.STRING_SCHEMA, "done")).isEqualTo("\"done\"");
    assertThat(json(Schema.STRING_SCHEMA, "{not json")).isEqualTo("\"{not json\"");
    assertThat(json(Schema.BYTES_SCHEMA, new byte[] {(byte) 0xff, 0})).isEqualTo("\"/wA=\"");
  }

  @Test
  void schemalessMapsListsAndDatesFromTheJsonConverter() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("id", "job-1");
    value.put("attempts", 2L);
    value.put("tags", List.of("a", true));
    value.put("missing", null);
    value.put("at", new Date(0));

    assertThat(json(null, value))
        .isEqualTo(
            "{\"id\":\"job-1\",\"attempts\":2,\"tags\":[\"a\",true],\"missing\":null,"
                + "\"at\":\"1970-01-01T00:00:00Z\"}");
  }

  @Test
  void structTimestampsAreIso8601() {
    Schema schema =
        SchemaBuilder.struct()
            .field("finishedAt", Timestamp.SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    assertThat(json(schema, new Struct(schema).put("finishedAt", new Date(1_500L))))
        .isEqualTo("{\"finishedAt\":\"1970-01-01T00:00:01.500Z\",\"note\":null}");
  }
}

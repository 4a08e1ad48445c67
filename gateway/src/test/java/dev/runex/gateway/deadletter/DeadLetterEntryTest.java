package dev.runex.gateway.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.json.AvroJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterEntryTest {

  @Test
  void anExecutionDeadLetterBelongsToItsJobsTenant() throws Exception {
    DeadLetterEntry e =
        entry(
            "{\"jobId\":\"j1\",\"stage\":\"execution\",\"reason\":{\"code\":\"HANDLER_FAILED\",\"message\":\"Inventory down\"},"
                + "\"lastFailureAt\":\"2026-01-01T10:00:00Z\",\"job\":{\"id\":\"j1\",\"tenant\":\"acme\",\"type\":\"reserve\"}}");

    assertThat(e.tenant()).isEqualTo("acme");
    assertThat(e.type()).isEqualTo("reserve");
    assertThat(e.ref()).isEqualTo("2-17");
    assertThat(e.matches("2:17")).isTrue();
    assertThat(e.matches("j1")).isTrue();
    assertThat(
            new DeadLetterQuery(
                    "acme", "reserve", "handler_failed", "EXECUTION", null, null, "inventory")
                .matches(e))
        .isTrue();
    assertThat(new DeadLetterQuery("globex", null, null, null, null, null, null).matches(e))
        .isFalse();
    assertThat(
            new DeadLetterQuery(
                    null, null, null, null, Instant.parse("2026-01-01T10:00:01Z"), null, null)
                .matches(e))
        .isFalse();
    assertThat(
            new DeadLetterQuery(
                    null, null, null, null, null, Instant.parse("2026-01-01T10:00:01Z"), null)
                .matches(e))
        .isTrue();
  }

  @Test
  void anIntakeDeadLetterBelongsToTheTenantItsJsonNamesAndShowsItsBytesAsText() throws Exception {
    String original = "{\"type\":\"sleep\",\"tenant\":\"globex\",\"params\":{}}";
    DeadLetterEntry e = entry(intake(original.getBytes(StandardCharsets.UTF_8)));

    assertThat(e.tenant()).isEqualTo("globex");
    assertThat(e.type()).isEqualTo("sleep");
    assertThat(e.originalText()).contains(original);
  }

  @Test
  void undecodableInputBelongsToNoTenantAndBinaryIsNotShownAsText() throws Exception {
    DeadLetterEntry garbage = entry(intake("not a job".getBytes(StandardCharsets.UTF_8)));
    DeadLetterEntry binary = entry(intake(new byte[] {(byte) 0xff, 0x00, 0x13}));

    assertThat(garbage.tenant()).isNull();
    assertThat(garbage.originalText()).contains("not a job");
    assertThat(binary.originalText()).isEmpty();
    assertThat(binary.originalBytes()).isPresent();
  }

  private static String intake(byte[] bytes) {
    return "{\"stage\":\"intake\",\"reason\":{\"code\":\"X\",\"message\":\"m\"},\"lastFailureAt\":\"2026-01-01T10:00:00Z\","
        + "\"originalValue\":\""
        + Base64.getEncoder().encodeToString(bytes)
        + "\"}";
  }

  private static DeadLetterEntry entry(String json) throws Exception {
    return new DeadLetterEntry(
        2, 17, "k".getBytes(StandardCharsets.UTF_8), AvroJson.MAPPER.readTree(json));
  }
}

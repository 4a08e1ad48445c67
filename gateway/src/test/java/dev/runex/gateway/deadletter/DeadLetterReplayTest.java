package dev.runex.gateway.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.json.AvroJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterReplayTest {

  @Test
  void executionDeadLetterIsResubmittedAsTheSameJobWithAReplayLabel() throws Exception {
    JsonNode dl =
        AvroJson.MAPPER.readTree(
            """
        {"stage":"execution","job":{"id":"j1","type":"fail","tenant":"demo","pool":"default",
         "params":{"times":2,"note":"x"},"partitionKey":"pk","labels":{"team":"a"},"attempt":3,
         "maxAttempts":3,"timeoutMs":1500}}""");

    DeadLetterReplay.IntakeRecord rec =
        DeadLetterReplay.toIntake("j1".getBytes(), dl, "runex.dead-letter/0/7");

    assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo("j1");
    JsonNode req = AvroJson.MAPPER.readTree(rec.value());
    assertThat(req.path("id").asText()).isEqualTo("j1");
    assertThat(req.path("type").asText()).isEqualTo("fail");
    assertThat(req.path("params").path("times").asInt()).isEqualTo(2);
    assertThat(req.path("partitionKey").asText()).isEqualTo("pk");
    assertThat(req.path("timeout").asText()).isEqualTo("PT1.5S");
    assertThat(req.path("labels").path("team").asText()).isEqualTo("a");
    assertThat(req.path("labels").path(DeadLetterReplay.REPLAY_LABEL).asText())
        .isEqualTo("runex.dead-letter/0/7");
    assertThat(req.has("attempt")).isFalse();
  }

  @Test
  void executionDeadLetterKeepsTheJobsOwnLimits() throws Exception {
    JsonNode dl =
        AvroJson.MAPPER.readTree(
            """
        {"stage":"execution","job":{"id":"j1","type":"p","tenant":"demo","timeoutMs":1000,
         "limits":{"memoryBytes":67108864,"cpuMs":5000,"pids":4,"fileSizeBytes":null,"outputBytes":1024,"network":false}}}""");

    JsonNode req =
        AvroJson.MAPPER.readTree(DeadLetterReplay.toIntake("j1".getBytes(), dl, "x/0/1").value());

    assertThat(req.path("limits").path("memory").asLong()).isEqualTo(67_108_864L);
    assertThat(req.path("limits").path("cpu").asText()).isEqualTo("5000ms");
    assertThat(req.path("limits").path("pids").asInt()).isEqualTo(4);
    assertThat(req.path("limits").has("fileSize")).isFalse();
    assertThat(req.path("limits").path("network").asBoolean(true)).isFalse();
  }

  @Test
  void intakeDeadLetterIsResubmittedByteForByteUnderTheOriginalKey() throws Exception {
    JsonNode dl = AvroJson.MAPPER.readTree("{\"stage\":\"intake\",\"originalValue\":\"AQID\"}");
    byte[] key = {(byte) 0xff, 1};

    DeadLetterReplay.IntakeRecord rec = DeadLetterReplay.toIntake(key, dl, "x/0/1");

    assertThat(rec.key()).isEqualTo(key);
    assertThat(rec.value()).isEqualTo(new byte[] {1, 2, 3});
  }

  @Test
  void refusesADeadLetterWithNothingToReplay() throws Exception {
    JsonNode dl = AvroJson.MAPPER.readTree("{\"stage\":\"intake\"}");
    assertThatThrownBy(() -> DeadLetterReplay.toIntake(null, dl, "x/0/2"))
        .hasMessageContaining("neither a job nor the original bytes");
  }
}

package dev.runex.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvroJsonReaderTest {

  @Test
  void readsBackWhatAvroJsonWrote() {
    // given
    JobResult result =
        JobResult.newBuilder()
            .setId("job-1")
            .setType("echo")
            .setTenant("demo")
            .setStatus(JobStatus.FAILED)
            .setError(
                ErrorInfo.newBuilder().setCode("X").setMessage("m").setRetryable(true).build())
            .setAttempts(2)
            .setSubmittedAt(Instant.ofEpochMilli(1_700_000_000_123L))
            .setFinishedAt(Instant.ofEpochMilli(1_700_000_001_000L))
            .setLabels(Map.of("team", "a"))
            .setDuplicateOf("job-0")
            .build();

    // when
    JobResult back = new AvroJsonReader<>(JobResult.class).read(AvroJson.toBytes(result));

    // then
    assertThat(back).isEqualTo(result);
  }

  @Test
  void readsEnumsNullsAndBytes() {
    JobEvent event =
        JobEvent.newBuilder()
            .setJobId("j")
            .setTime(Instant.ofEpochMilli(5))
            .setKind(JobEventKind.EXPIRED)
            .setStage("queueing")
            .build();
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setStage("intake")
            .setReason(ErrorInfo.newBuilder().setCode("C").setMessage("m").build())
            .setSourceTopic("t")
            .setSourcePartition(1)
            .setSourceOffset(2)
            .setFirstFailureAt(Instant.ofEpochMilli(1))
            .setLastFailureAt(Instant.ofEpochMilli(2))
            .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
            .build();

    assertThat(new AvroJsonReader<>(JobEvent.class).read(AvroJson.toBytes(event))).isEqualTo(event);
    assertThat(new AvroJsonReader<>(DeadLetter.class).read(AvroJson.toBytes(letter)))
        .isEqualTo(letter);
  }

  @Test
  void missingOptionalFieldsTakeTheirDefaultsAndMissingRequiredOnesAreRefused() {
    AvroJsonReader<JobEvent> reader = new AvroJsonReader<>(JobEvent.class);

    JobEvent e =
        reader.read(
            utf8(
                "{\"jobId\":\"j\",\"time\":\"2026-01-01T00:00:00Z\",\"kind\":\"SCHEDULED\",\"stage\":\"s\"}"));

    assertThat(e.getAttempt()).isZero();
    assertThat(e.getDetail()).isNull();
    assertThatThrownBy(() -> reader.read(utf8("{\"jobId\":\"j\"}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reader.read(utf8("not json")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

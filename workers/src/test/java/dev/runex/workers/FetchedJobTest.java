package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.Job;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class FetchedJobTest {
  private static final String SUBMITTED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String HEADER = "00-11111111111111111111111111111111-2222222222222222-01";

  @Test
  void theTraceIsTheScheduledRecordsHeaderElseTheOneTheJobWasSubmittedWith() {
    Job job =
        Job.newBuilder()
            .setId("j")
            .setType("echo")
            .setTenant("demo")
            .setPool("default")
            .setParams(Map.of())
            .setPartitionKey("j")
            .setAttempt(1)
            .setMaxAttempts(1)
            .setTimeoutMs(1_000)
            .setSubmittedAt(Instant.EPOCH)
            .setDueAt(Instant.EPOCH)
            .setTraceParent(SUBMITTED)
            .build();
    ConsumerRecord<String, byte[]> plain =
        new ConsumerRecord<>("runex.scheduled.default", 0, 7L, "j", new byte[0]);
    ConsumerRecord<String, byte[]> withHeader =
        new ConsumerRecord<>("runex.scheduled.default", 0, 8L, "j", new byte[0]);
    withHeader.headers().add("traceparent", HEADER.getBytes(StandardCharsets.UTF_8));

    assertThat(new FetchedJob(plain, job).traceParent()).isEqualTo(SUBMITTED);
    assertThat(new FetchedJob(withHeader, job).traceParent()).isEqualTo(HEADER);
    assertThat(
            new FetchedJob(plain, Job.newBuilder(job).setTraceParent(null).build()).traceParent())
        .isNull();
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.HandlerRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Garbage, oversized and unknown input becomes rejections and dead letters; valid jobs keep
 * flowing.
 */
class BadInputIT {

  @Test
  @Timeout(240)
  void badInputIsRejectedAndDeadLetteredWhileValidJobsKeepFlowing() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      byte[] binaryKey = {(byte) 0xff, (byte) 0xfe, 0x00, 0x01};
      String huge = "x".repeat(200_000);

      for (int round = 0; round < 20; round++) {
        intake.json(
            "ok-" + round,
            "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"r" + round + "\"}}");
        intake.send(
            ("garbage-" + round).getBytes(StandardCharsets.UTF_8),
            new byte[] {1, 2, 3, (byte) round});
        intake.json("truncated-" + round, "{\"type\":\"echo\",\"tenant\":");
        intake.json(
            "big-" + round,
            "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"" + huge + "\"}}");
        intake.json("unknown-" + round, "{\"type\":\"rm-rf\",\"tenant\":\"demo\"}");
        intake.json("tenant-" + round, "{\"type\":\"echo\",\"tenant\":\"mallory\"}");
        intake.send(
            ("avro-" + round).getBytes(StandardCharsets.UTF_8),
            ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(round).array());
      }
      intake.send(binaryKey, "\u0000\u0001 not json".getBytes(StandardCharsets.UTF_8));
      intake.send(null, new byte[0]);
      intake.flush();

      await().atMost(Duration.ofSeconds(120)).until(() -> countOk(collector) == 20);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> collector.deadLetters.size() >= 20 * 6 + 2);

      assertThat(collector.only("ok-7").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertRejected(collector, "garbage-3", null);
      assertRejected(collector, "truncated-3", "MALFORMED_JSON");
      assertRejected(collector, "big-3", "PAYLOAD_TOO_LARGE");
      assertRejected(collector, "unknown-3", "UNKNOWN_TYPE");
      assertRejected(collector, "tenant-3", "TENANT_NOT_ALLOWED");
      assertRejected(collector, "avro-3", "UNKNOWN_SCHEMA_ID");

      DeadLetter big = deadLetter(collector, "big-3").orElseThrow();
      assertThat(big.getStage()).isEqualTo("intake");
      assertThat(big.getOriginalValue().remaining()).isGreaterThan(200_000);
      assertThat(big.getSourceTopic()).isEqualTo(runtime.topics.intake().name());
      assertThat(big.getSourceOffset()).isGreaterThanOrEqualTo(0);

      DeadLetter garbage = deadLetter(collector, "garbage-3").orElseThrow();
      byte[] original = new byte[garbage.getOriginalValue().remaining()];
      garbage.getOriginalValue().duplicate().get(original);
      assertThat(original).isEqualTo(new byte[] {1, 2, 3, 3});

      // a dead letter keeps exactly the key its producer wrote, even when it is not text
      assertThat(collector.deadLetters)
          .anySatisfy(
              d -> assertThat(d.key()).isEqualTo(new String(binaryKey, StandardCharsets.UTF_8)));
      assertThat(collector.deadLetters).anySatisfy(d -> assertThat(d.key()).isNull());
      // no job was lost or doubled along the way
      assertThat(collector.results.values()).allSatisfy(list -> assertThat(list).hasSize(1));
    }
  }

  private static long countOk(ResultCollector c) {
    return c.results.entrySet().stream()
        .filter(
            e ->
                e.getKey().startsWith("ok-")
                    && e.getValue().get(0).getStatus() == JobStatus.SUCCEEDED)
        .count();
  }

  private static void assertRejected(ResultCollector c, String id, String code) {
    await().atMost(Duration.ofSeconds(30)).until(() -> c.only(id) != null);
    assertThat(c.only(id).getStatus()).isEqualTo(JobStatus.REJECTED);
    if (code != null) {
      assertThat(c.only(id).getError().getCode()).isEqualTo(code);
    }
    assertThat(deadLetter(c, id)).as("dead letter for " + id).isPresent();
  }

  private static Optional<DeadLetter> deadLetter(ResultCollector c, String key) {
    return c.deadLetters.stream()
        .filter(d -> key.equals(d.key()))
        .map(ResultCollector.DeadLetterRecord::value)
        .findFirst();
  }
}

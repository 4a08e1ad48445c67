package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.execution.HandlerRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Delayed jobs wait in the changelogged delay index; when the topology is stopped while they wait
 * and a new instance (with empty local state, so it must restore from the changelog) takes over,
 * they are still released once, within a second of their due time.
 */
class DelayIndexRestartIT {
  private static final int JOBS = 20;

  @Test
  @Timeout(240)
  void delayedJobsSurviveATopologyRestartAndAreReleasedOnTime() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    // far enough ahead that the second instance is running (and has restored) before the jobs fall
    // due
    Instant due = Instant.now().plusSeconds(40);
    RunexTopics topics = new InProcessRuntime(cfg).topics; // provisions the topics
    try (ResultCollector collector = new ResultCollector(cfg, topics);
        IntakeClient intake = new IntakeClient(cfg, topics)) {
      try (InProcessRuntime first = new InProcessRuntime(cfg).startTopology()) {
        for (int i = 0; i < JOBS; i++) {
          intake.json(
              "later-" + i,
              "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"" + due + "\"}");
        }
        intake.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> delayedCount(collector) == JOBS);
      } // first topology instance stops with all jobs waiting in its store

      String freshState = Files.createTempDirectory("runex-restart-state").toString();
      RunexConfig restarted = cfg.with(Settings.TOPOLOGY_STATE_DIR, freshState);
      try (InProcessRuntime second = new InProcessRuntime(restarted).startTopology()) {
        second.startWorker(HandlerRegistry.withBuiltins());
        assertThat(collector.resultCount()).as("nothing released before its due time").isZero();
        await().atMost(Duration.ofSeconds(90)).until(() -> collector.resultCount() == JOBS);
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(5))
            .until(() -> collector.resultCount() == JOBS);
      }
      for (int i = 0; i < JOBS; i++) {
        assertThat(collector.only("later-" + i).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        List<JobEvent> scheduled =
            collector.events.get("later-" + i).stream()
                .filter(e -> e.getKind() == JobEventKind.SCHEDULED)
                .toList();
        assertThat(scheduled).hasSize(1);
        Duration lateness = Duration.between(due, scheduled.get(0).getTime());
        assertThat(lateness.isNegative())
            .as("released at or after due time: " + lateness)
            .isFalse();
        assertThat(lateness)
            .as("released within 1 s of due time")
            .isLessThan(Duration.ofSeconds(1));
      }
    }
  }

  private static long delayedCount(ResultCollector c) {
    return c.events.values().stream()
        .flatMap(List::stream)
        .filter(e -> e.getKind() == JobEventKind.DELAYED)
        .count();
  }
}

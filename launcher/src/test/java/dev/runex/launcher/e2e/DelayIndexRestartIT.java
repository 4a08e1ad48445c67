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
import dev.runex.workers.HandlerRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delayed jobs wait in the changelogged delay index; when the topology is stopped while they wait
 * and a new instance (with empty local state, so it must restore from the changelog) takes over,
 * they are still released once, not before their release lead ({@code runex.topology.releaseAhead})
 * ahead of their due time, and within a second of that or (on a machine so busy that the new
 * instance came up after it) of the new instance running; none starts before its due time.
 */
class DelayIndexRestartIT {
  private static final int JOBS = 20;

  @Test
  @Timeout(240)
  void delayedJobsSurviveATopologyRestartAndAreReleasedOnTime(@TempDir Path freshStateDir)
      throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    RunexTopics topics = new InProcessRuntime(cfg).topics; // provisions the topics
    Instant due;
    try (ResultCollector collector = new ResultCollector(cfg, topics);
        IntakeClient intake = new IntakeClient(cfg, topics)) {
      try (InProcessRuntime first = new InProcessRuntime(cfg).startTopology()) {
        // from the running topology on: far enough ahead that the second instance is running (and
        // has restored) before the jobs fall due
        due = Instant.now().plusSeconds(40);
        for (int i = 0; i < JOBS; i++) {
          intake.json(
              "later-" + i,
              "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"" + due + "\"}");
        }
        intake.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> delayedCount(collector) == JOBS);
      } // first topology instance stops with all jobs waiting in its store

      String freshState = freshStateDir.toString();
      RunexConfig restarted = cfg.with(Settings.TOPOLOGY_STATE_DIR, freshState);
      Instant secondUp;
      try (InProcessRuntime second = new InProcessRuntime(restarted).startTopology()) {
        secondUp = Instant.now();
        second.startWorker(HandlerRegistry.withBuiltins());
        assertThat(collector.resultCount()).as("nothing released before its due time").isZero();
        await().atMost(Duration.ofSeconds(90)).until(() -> collector.resultCount() == JOBS);
        // nothing left to release or run: then no job can get a second result
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> second.meters.get("runex.queue.delay.index.size").gauge().value() == 0);
        Settled.awaitTopologyDone(restarted, Duration.ofSeconds(60));
        Settled.awaitWorkersDone(restarted, "default", Duration.ofSeconds(60));
        collector.awaitCaughtUp(Duration.ofSeconds(30));
        assertThat(collector.resultCount()).as("one result per job").isEqualTo(JOBS);
      }
      for (int i = 0; i < JOBS; i++) {
        assertThat(collector.only("later-" + i).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        List<JobEvent> scheduled =
            collector.events.get("later-" + i).stream()
                .filter(e -> e.getKind() == JobEventKind.SCHEDULED)
                .toList();
        assertThat(scheduled).hasSize(1);
        Instant released = scheduled.get(0).getTime();
        Instant leadAhead = due.minus(cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD));
        assertThat(released)
            .as("released no sooner than its lead ahead")
            .isAfterOrEqualTo(leadAhead);
        assertThat(collector.only("later-" + i).getStartedAt())
            .as("started at or after its due time")
            .isAfterOrEqualTo(due);
        Instant releasable = leadAhead.isAfter(secondUp) ? leadAhead : secondUp;
        assertThat(Duration.between(releasable, released))
            .as("released within 1 s of its due time, or of the restored index running")
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

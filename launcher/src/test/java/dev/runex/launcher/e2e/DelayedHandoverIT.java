package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Delayed jobs handed to their worker ahead of their due time ({@code runex.topology.releaseAhead})
 * are held there, not started; when that worker stops while it holds them, its successor fetches
 * them again and starts each once, at or after its due time — on a real broker.
 */
class DelayedHandoverIT {
  private static final int JOBS = 30;
  private static final Duration LEAD = Duration.ofSeconds(6);

  @Test
  @Timeout(240)
  void jobsHeldUntilDueByAStoppedWorkerRunOnceOnTimeOnItsSuccessor() throws Exception {
    RunexConfig cfg =
        RealKafka.config(Map.of("runex.topology.releaseAhead", LEAD.toSeconds() + "s"));
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      JobWorker first = runtime.startWorker(HandlerRegistry.withBuiltins());

      // given: jobs due in twice the lead, so the first worker holds them for a while
      Instant due = Instant.now().plus(LEAD.multipliedBy(2)).truncatedTo(ChronoUnit.MILLIS);
      for (int i = 0; i < JOBS; i++) {
        intake.json(
            "held-" + i, "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"" + due + "\"}");
      }
      intake.flush();
      await().atMost(LEAD.multipliedBy(2).minusSeconds(1)).until(() -> parked(runtime) == JOBS);
      assertThat(Instant.now()).as("the first worker held them before they were due").isBefore(due);
      assertThat(collector.resultCount()).isZero();

      // when: it stops while it holds them, and a successor takes over
      first.close();
      runtime.startWorker(HandlerRegistry.withBuiltins());

      // then: one result each, none started before it was due
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.resultCount() == JOBS);
      Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(60));
      collector.awaitCaughtUp(Duration.ofSeconds(30));
      assertThat(collector.resultCount()).as("one result per job").isEqualTo(JOBS);
      for (int i = 0; i < JOBS; i++) {
        JobResult r = collector.only("held-" + i);
        assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(r.getStartedAt()).as("held-%d started", i).isAfterOrEqualTo(due);
        List<JobEvent> scheduled =
            collector.events.get("held-" + i).stream()
                .filter(e -> e.getKind() == JobEventKind.SCHEDULED)
                .toList();
        assertThat(scheduled).as("held-%d released once", i).hasSize(1);
        assertThat(scheduled.get(0).getTime())
            .as("held-%d released ahead of its due time, not before its lead", i)
            .isBefore(due)
            .isAfterOrEqualTo(due.minus(LEAD));
      }
    }
  }

  private static double parked(InProcessRuntime runtime) {
    Gauge g = runtime.meters.find("runex.worker.parked").gauge();
    return g == null ? -1 : g.value();
  }
}

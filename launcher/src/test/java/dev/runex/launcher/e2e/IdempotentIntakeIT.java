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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same job submitted many times at once — several producers, different job ids (so different
 * intake partitions), one idempotency key — runs exactly once; every other submission gets a
 * DUPLICATE rejection pointing at the one that ran.
 */
class IdempotentIntakeIT {
  private static final int PRODUCERS = 4;
  private static final int PER_PRODUCER = 25;
  private static final int SUBMISSIONS = PRODUCERS * PER_PRODUCER;

  @Test
  @Timeout(240)
  void concurrentSubmissionsWithOneIdempotencyKeyRunOnce() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());

      submitConcurrently(
          runtime,
          "{\"type\":\"echo\",\"tenant\":\"demo\",\"idempotencyKey\":\"order-42\","
              + "\"params\":{\"message\":\"charge once\"}}");
      // a job without a key beside them is not affected
      try (IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
        intake.json("unkeyed", "{\"type\":\"echo\",\"tenant\":\"demo\"}");
        intake.flush();
      }

      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> collector.resultCount() >= SUBMISSIONS + 1);
      // every submission decided and every job run: nothing more can come
      Settled.awaitTopologyDone(cfg, Duration.ofSeconds(60));
      Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(60));
      collector.awaitCaughtUp(Duration.ofSeconds(30));
      assertThat(collector.resultCount()).isEqualTo(SUBMISSIONS + 1);

      List<JobResult> succeeded = keyedResults(collector, JobStatus.SUCCEEDED);
      assertThat(succeeded).as("executions of the idempotent job").hasSize(1);
      String original = succeeded.get(0).getId();
      List<JobResult> rejected = keyedResults(collector, JobStatus.REJECTED);
      assertThat(rejected)
          .hasSize(SUBMISSIONS - 1)
          .allSatisfy(
              r -> {
                assertThat(r.getError().getCode()).isEqualTo("DUPLICATE");
                assertThat(r.getDuplicateOf()).isEqualTo(original);
              });
      assertThat(startedEvents(collector)).as("STARTED events for the key's jobs").isEqualTo(1);
      assertThat(collector.only("unkeyed").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(collector.deadLetters).as("duplicates are not dead letters").isEmpty();
    }
  }

  private static void submitConcurrently(InProcessRuntime runtime, String json) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producer = p;
      done.add(
          pool.submit(
              () -> {
                try (IntakeClient intake = new IntakeClient(runtime.cfg, runtime.topics)) {
                  go.await();
                  for (int i = 0; i < PER_PRODUCER; i++) {
                    intake.json("dup-" + producer + "-" + i, json);
                  }
                  intake.flush();
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }

  private static List<JobResult> keyedResults(ResultCollector collector, JobStatus status) {
    return collector.results.entrySet().stream()
        .filter(e -> e.getKey().startsWith("dup-"))
        .flatMap(e -> e.getValue().stream())
        .filter(r -> r.getStatus() == status)
        .toList();
  }

  private static long startedEvents(ResultCollector collector) {
    return collector.events.entrySet().stream()
        .filter(e -> e.getKey().startsWith("dup-"))
        .flatMap(e -> e.getValue().stream())
        .map(JobEvent::getKind)
        .filter(k -> k == JobEventKind.STARTED)
        .count();
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.launcher.it.RealKafka;
import dev.runex.launcher.local.RunexHome;
import dev.runex.launcher.local.RuntimeProcess;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool scaled 1 → 2 → 4 → 2 → 1 worker processes while about 5,000 I/O-bound jobs flow, scaled
 * down by SIGTERM as Kubernetes does: every job has exactly one result, none is lost, and no
 * attempt runs more often than the at-least-once bound allows — with no crash, a drained worker
 * hands its partitions over with everything it ran committed, so that bound is one run per attempt.
 * The runs are counted by the endpoint the jobs call (their {@code Idempotency-Key}), so runs whose
 * output was never committed count too. The longest pause in results after each step is logged.
 */
class WorkerScalingIT {
  private static final Logger log = LoggerFactory.getLogger(WorkerScalingIT.class);
  private static final int JOBS = 5_000;
  private static final int JOBS_PER_SECOND = 80;
  private static final int CONCURRENCY = 8;

  /** When (jobs submitted) each step happens, and how many workers run after it. */
  /** Long, so that a worker that stays in the group after its stop is told apart. */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

  private static final Map<Integer, Integer> STEPS =
      Map.of(0, 1, 800, 2, 1_600, 4, 2_800, 2, 3_800, 1);

  @Test
  @Timeout(600)
  void scalingUpAndDownUnderLoadLosesDuplicatesAndRerunsNothing() throws Exception {
    Path dir =
        Files.createDirectories(RunexHome.resolve().resolve("launcher/target/worker-scaling"));
    try (CountingEndpoint endpoint = new CountingEndpoint(50)) {
      Path yaml = dir.resolve("runex.yaml");
      Files.writeString(yaml, CountingEndpoint.ioJobType(endpoint.url()));
      RunexConfig cfg = RealKafka.config(yaml, Map.of("runex.topics.partitions", "8"));
      Deque<RuntimeProcess> workers = new ArrayDeque<>();
      List<String> steps = new ArrayList<>();
      try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
          ResultCollector collector = new ResultCollector(cfg, runtime.topics);
          IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
        long start = System.nanoTime();
        for (int i = 0; i < JOBS; i++) {
          Integer target = STEPS.get(i);
          if (target != null) {
            scaleTo(target, workers, cfg, yaml, dir);
            steps.add(i + " submitted: " + target + " worker(s)");
            log.info("step at {} jobs submitted: {} worker(s)", i, target);
          }
          intake.json("scale-" + i, "{\"type\":\"io\",\"tenant\":\"demo\",\"params\":{}}");
          pace(start, i + 1);
        }
        intake.flush();

        await().atMost(Duration.ofSeconds(240)).until(() -> collector.resultCount() >= JOBS);
        // Once the pool's group has committed everything it was given, nothing is left to run, so
        // no further result can appear: the audit then reads every committed result.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> TopicAudit.workerLag(cfg, runtime.topics, "default") == 0);
        log.info("steps: {}; longest result pauses (ms): {}", steps, pauses(collector));

        Map<String, List<JobResult>> results = TopicAudit.allResults(cfg, runtime.topics);
        assertThat(results).hasSize(JOBS);
        assertThat(results.values())
            .allSatisfy(
                list -> {
                  assertThat(list).hasSize(1);
                  assertThat(list.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                  assertThat(list.get(0).getAttempts()).isEqualTo(1);
                });
        for (int i = 0; i < JOBS; i++) {
          assertThat(endpoint.runsOf("scale-" + i, 1)).as("runs of scale-%d", i).isEqualTo(1);
        }
        assertThat(endpoint.extraRuns()).isZero();
      } finally {
        while (!workers.isEmpty()) {
          workers.pop().close();
        }
      }
    }
  }

  private static void scaleTo(
      int target, Deque<RuntimeProcess> workers, RunexConfig cfg, Path yaml, Path dir) {
    while (workers.size() < target) {
      String id = "scale-w" + (workers.size() + 1);
      workers.push(
          RuntimeProcess.worker(
              id,
              "default",
              CONCURRENCY,
              cfg,
              yaml,
              List.of("runex.worker.sessionTimeout=" + SESSION_TIMEOUT.toSeconds() + "s"),
              dir.resolve("logs")));
    }
    while (workers.size() > target) {
      // A consumer closed while its group rebalances may not get to leave (it has no generation
      // to leave with), and then stays a member until its session timeout: stop a worker once the
      // group is stable, as a scale-down one pod at a time does.
      int members = workers.size();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> TopicAudit.workerGroupStable(cfg, "default", members));
      RuntimeProcess leaving = workers.pop();
      Duration took = leaving.terminate(Duration.ofSeconds(45));
      log.info(
          "{} stopped by SIGTERM in {} ms (exit {})",
          leaving.name(),
          took.toMillis(),
          leaving.exitCode());
      // 143 (128 + SIGTERM) is how a JVM whose shutdown hooks ran to the end exits; 137 would be
      // the SIGKILL after the grace period, a drain that never finished
      assertThat(leaving.exitCode()).as(leaving.name() + " exit code after SIGTERM").isIn(0, 143);
      // A stopped worker leaves the group: its partitions move now, not after its session
      // timeout (a static member that just goes away keeps them that long)
      await()
          .atMost(SESSION_TIMEOUT.dividedBy(3))
          .until(
              () -> {
                Set<String> current = TopicAudit.workerMembers(cfg, "default");
                return current != null && !current.contains(leaving.name());
              });
    }
  }

  private static void pace(long startNanos, int sent) throws InterruptedException {
    long due = startNanos + sent * 1_000_000_000L / JOBS_PER_SECOND;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(
          wait / 1_000_000, (int) (wait % 1_000_000)); // pacing the load, not a wait-then-assert
    }
  }

  /** The longest gaps between consecutive results, in ms, largest first (top 5). */
  private static List<Long> pauses(ResultCollector collector) {
    List<Long> arrivals;
    synchronized (collector.resultArrivals) {
      arrivals = new ArrayList<>(collector.resultArrivals);
    }
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < arrivals.size(); i++) {
      gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
    }
    gaps.sort((a, b) -> Long.compare(b, a));
    return gaps.subList(0, Math.min(5, gaps.size()));
  }
}

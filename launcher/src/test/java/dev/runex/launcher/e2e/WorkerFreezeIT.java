package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.it.RealKafka;
import dev.runex.launcher.local.RunexHome;
import dev.runex.launcher.local.RuntimeProcess;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker process frozen (SIGSTOP) past its session timeout with every slot busy (the endpoint
 * holds its calls) and jobs fetched behind them, and thawed after the other worker took its
 * partitions over: every job has exactly one result, the thawed worker lives on, and the only
 * attempts that ran twice are those the frozen worker had run before it froze (the at-least-once
 * bound). A thawed worker must not start the jobs it had fetched before it froze: the partitions
 * they came from are another worker's now. ({@code JobWorkerTest} reproduces that race exactly;
 * here it is checked end to end on real processes.)
 */
class WorkerFreezeIT {
  private static final int JOBS = 400;
  private static final Duration SESSION = Duration.ofSeconds(6);
  private static final int SLOTS = 4;

  @Test
  @Timeout(600)
  void aThawedWorkerStartsNothingOfThePartitionsItLost() throws Exception {
    Path dir =
        Files.createDirectories(RunexHome.resolve().resolve("launcher/target/worker-freeze"));
    try (CountingEndpoint endpoint = new CountingEndpoint(400)) {
      Path yaml = dir.resolve("runex.yaml");
      Files.writeString(yaml, CountingEndpoint.ioJobType(endpoint.url()));
      RunexConfig cfg = RealKafka.config(yaml, Map.of("runex.topics.partitions", "4"));
      List<String> overrides =
          List.of(
              Settings.WORKER_SESSION_TIMEOUT.key() + "=" + SESSION.toSeconds() + "s",
              "runex.topics.partitions=4");
      try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
          ResultCollector collector = new ResultCollector(cfg, runtime.topics);
          IntakeClient intake = new IntakeClient(cfg, runtime.topics);
          RuntimeProcess frozen = worker("freeze-w1", endpoint, cfg, overrides, dir);
          RuntimeProcess other = worker("freeze-w2", endpoint, cfg, overrides, dir)) {
        for (int i = 0; i < JOBS; i++) {
          intake.json("freeze-" + i, "{\"type\":\"io\",\"tenant\":\"demo\",\"params\":{}}");
        }
        intake.flush();
        // each worker's temporary folder is its own, beside the logs: what it unpacks there does
        // not outlive the run in the machine's /tmp, even when it is killed
        for (RuntimeProcess w : List.of(frozen, other)) {
          assertThat(ProcessHandle.of(w.pid()).orElseThrow().info().arguments().orElseThrow())
              .contains(
                  "-Djava.io.tmpdir="
                      + dir.resolve("tmp").resolve(w.name()).toAbsolutePath().normalize());
        }
        // both workers run jobs, so each has partitions and jobs fetched ahead of its slots
        await()
            .atMost(Duration.ofSeconds(300))
            .until(() -> callers(endpoint).containsAll(List.of("freeze-w1", "freeze-w2")));

        // every slot of the worker to be frozen holds a call the endpoint has received and keeps
        // open: those are all the jobs it has started when it freezes
        endpoint.hold("freeze-w1");
        await().atMost(Duration.ofSeconds(60)).until(() -> endpoint.held.size() == SLOTS);
        Set<String> startedBeforeFreeze = Set.copyOf(endpoint.held);
        long frozenAt = System.nanoTime();
        frozen.freeze();
        // the other worker's group expires the frozen one and takes its partitions over
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    lastCallBy(endpoint, "freeze-w2")
                        > frozenAt + SESSION.plusSeconds(4).toNanos());
        endpoint.release();
        frozen.thaw();

        await().atMost(Duration.ofSeconds(180)).until(() -> collector.resultCount() >= JOBS);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> TopicAudit.workerLag(cfg, runtime.topics, "default") == 0);

        Map<String, List<JobResult>> results = TopicAudit.allResults(cfg, runtime.topics);
        assertThat(results).hasSize(JOBS);
        assertThat(results.values())
            .allSatisfy(
                list -> {
                  assertThat(list).hasSize(1);
                  assertThat(list.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                });
        assertThat(frozen.isAlive()).as("the thawed worker lives on").isTrue();
        assertThat(startedBeforeFreeze).hasSize(SLOTS);
        assertThat(rerunsBeyond(endpoint, frozenAt))
            .as(
                "attempts that ran twice although the frozen worker had not run them before it"
                    + " froze (call times in ms after the freeze; in its slots then: %s)",
                startedBeforeFreeze)
            .isEmpty();
      }
    }
  }

  /**
   * Attempts that ran more than once although the frozen worker had not run them before it froze,
   * with their calls. Reruns of what it ran before (finished but not yet committed, or still in its
   * slots, held by the endpoint) are the at-least-once bound; any other rerun means a job ran on
   * two workers because one of them started it after it had lost its partition.
   */
  private static Set<String> rerunsBeyond(CountingEndpoint endpoint, long frozenAt) {
    Map<String, List<CountingEndpoint.Call>> byKey = new HashMap<>();
    synchronized (endpoint.calls) {
      for (CountingEndpoint.Call c : endpoint.calls) {
        byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
      }
    }
    Set<String> unexplained = new HashSet<>();
    byKey.forEach(
        (key, calls) -> {
          boolean ranBeforeFreeze =
              calls.stream()
                  .anyMatch(c -> c.caller().equals("freeze-w1") && c.atNanos() < frozenAt);
          if (calls.size() > 1 && !ranBeforeFreeze) {
            unexplained.add(
                key
                    + " "
                    + calls.stream()
                        .map(c -> c.caller() + "@" + (c.atNanos() - frozenAt) / 1_000_000)
                        .toList());
          }
        });
    return unexplained;
  }

  private static Set<String> callers(CountingEndpoint endpoint) {
    synchronized (endpoint.calls) {
      Set<String> seen = new HashSet<>();
      endpoint.calls.forEach(c -> seen.add(c.caller()));
      return seen;
    }
  }

  private static long lastCallBy(CountingEndpoint endpoint, String caller) {
    synchronized (endpoint.calls) {
      return endpoint.calls.stream()
          .filter(c -> c.caller().equals(caller))
          .mapToLong(CountingEndpoint.Call::atNanos)
          .max()
          .orElse(Long.MIN_VALUE);
    }
  }

  /** A worker whose calls name it; it fetches jobs ahead of its slots. */
  private static RuntimeProcess worker(
      String id, CountingEndpoint endpoint, RunexConfig cfg, List<String> overrides, Path dir)
      throws Exception {
    Path yaml = dir.resolve(id + ".yaml");
    Files.writeString(yaml, CountingEndpoint.ioJobType(endpoint.url() + "?w=" + id));
    return RuntimeProcess.worker(id, "default", SLOTS, cfg, yaml, overrides, dir.resolve("logs"));
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.HandlerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole lifecycle on a real broker and registry: intake → validate → (delay) → schedule →
 * execute → results, with retries, rejections and dead letters, counted exactly.
 */
class LifecycleIT {

  @Test
  @Timeout(300)
  void thousandMixedJobsEachGetExactlyOneTerminalResultAndNothingElse() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    Map<String, JobStatus> expected = new HashMap<>();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());

      for (int i = 0; i < 1000; i++) {
        String id = "job-" + i;
        switch (i % 10) {
          case 0, 1, 2, 3 ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.SUCCEEDED,
                  "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"m"
                      + i
                      + "\"}}");
          case 4 ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.SUCCEEDED,
                  "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{\"ms\":" + (i % 50) + "}}");
          case 5 ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.SUCCEEDED,
                  "{\"type\":\"fail\",\"tenant\":\"demo\",\"params\":{\"times\":1}}");
          case 6 ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.FAILED,
                  "{\"type\":\"fail\",\"tenant\":\"demo\",\"params\":{\"permanent\":true}}");
          case 7 ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.SUCCEEDED,
                  "{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"PT3S\",\"partitionKey\":\"k"
                      + (i % 3)
                      + "\"}");
          case 8 ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.REJECTED,
                  "{\"type\":\"no-such-type\",\"tenant\":\"demo\"}");
          default ->
              submit(
                  intake,
                  expected,
                  id,
                  JobStatus.REJECTED,
                  "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{}}");
        }
      }
      intake.flush();

      await().atMost(Duration.ofSeconds(180)).until(() -> collector.resultCount() >= 1000);
      // and nothing more arrives once the topology and the worker are done: no duplicates, no
      // stray results
      Settled.awaitTopologyDone(cfg, Duration.ofSeconds(120));
      Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(120));
      collector.awaitCaughtUp(Duration.ofSeconds(60));
      assertThat(collector.resultCount()).isEqualTo(1000);

      assertThat(collector.results.keySet()).isEqualTo(expected.keySet());
      Map<String, JobStatus> actual =
          collector.results.entrySet().stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0).getStatus()));
      assertThat(actual).isEqualTo(expected);
      JobResult retried = collector.only("job-5");
      assertThat(retried.getAttempts()).isEqualTo(2);
      JobResult permanent = collector.only("job-6");
      assertThat(permanent.getAttempts()).isEqualTo(1);
      assertThat(permanent.getError().getRetryable()).isFalse();
      assertThat(collector.only("job-8").getError().getCode()).isEqualTo("UNKNOWN_TYPE");
      assertThat(collector.only("job-9").getError().getCode()).isEqualTo("PARAM_MISSING");
      assertThat(collector.only("job-0").getOutput()).contains("m0");

      // every permanent failure and every rejection left exactly one dead letter, keyed by job id
      Set<String> expectedDead =
          expected.entrySet().stream()
              .filter(e -> e.getValue() != JobStatus.SUCCEEDED)
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> collector.deadLetters.size() >= expectedDead.size());
      List<String> deadKeys =
          collector.deadLetters.stream().map(ResultCollector.DeadLetterRecord::key).toList();
      assertThat(deadKeys).containsExactlyInAnyOrderElementsOf(expectedDead);

      // the lifecycle is visible: a retried job went through every stage
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(collector.events.get("job-5").stream().map(e -> e.getKind()).toList())
                      .contains(
                          JobEventKind.RECEIVED,
                          JobEventKind.VALIDATED,
                          JobEventKind.SCHEDULED,
                          JobEventKind.STARTED,
                          JobEventKind.RETRY_SCHEDULED,
                          JobEventKind.SUCCEEDED));
      // a delayed job does not start before its due time, and is not released to its pool before
      // its lead (runex.topology.releaseAhead) ahead of it (on a busy machine it may already be
      // due when the topology reads it, and skip the delay index)
      JobResult delayed = collector.only("job-7");
      Instant due = delayed.getSubmittedAt().plusSeconds(3);
      assertThat(delayed.getStartedAt()).isAfterOrEqualTo(due);
      Instant releasable = due.minus(cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD));
      assertThat(collector.events.get("job-7"))
          .filteredOn(e -> e.getKind() == JobEventKind.SCHEDULED)
          .singleElement()
          .satisfies(e -> assertThat(e.getTime()).isAfterOrEqualTo(releasable));
    }
  }

  private static void submit(
      IntakeClient intake,
      Map<String, JobStatus> expected,
      String id,
      JobStatus status,
      String json) {
    expected.put(id, status);
    intake.json(id, json);
  }
}

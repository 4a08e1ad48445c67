package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.it.RealKafka;
import dev.runex.launcher.local.RunexHome;
import dev.runex.schemas.JobStatus;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker process killed with SIGKILL in the middle of a stream and started again: every job still
 * has exactly one result — the dead worker's open transaction (results of jobs it had finished but
 * not committed) is aborted, and those jobs run again; nothing committed runs twice.
 */
class WorkerCrashIT {
  private static final int JOBS = 600;

  @Test
  @Timeout(300)
  void sigkilledWorkerRestartedLosesAndDuplicatesNothing() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    Path logs =
        Files.createDirectories(RunexHome.resolve().resolve("launcher/target/worker-crash-logs"));
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      Process first = startWorkerProcess(cfg, logs.resolve("first.log"));
      for (int i = 0; i < JOBS; i++) {
        intake.json(
            "crash-" + i,
            "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{\"ms\":" + (50 + i % 100) + "}}");
      }
      intake.flush();

      await().atMost(Duration.ofSeconds(120)).until(() -> collector.resultCount() >= JOBS / 4);
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no commit
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int atKill = collector.resultCount();
      assertThat(atKill).as("the worker died mid-stream").isLessThan(JOBS);

      Process second = startWorkerProcess(cfg, logs.resolve("second.log"));
      try {
        await().atMost(Duration.ofSeconds(180)).until(() -> collector.resultCount() >= JOBS);
        // the second worker has processed every job, and the collector read all it wrote: a job
        // the first worker finished but the second ran again would show as a second result
        Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(120));
        collector.awaitCaughtUp(Duration.ofSeconds(60));
      } finally {
        second.destroy();
        second.waitFor(60, TimeUnit.SECONDS);
      }
      assertThat(collector.results).hasSize(JOBS);
      assertThat(collector.results.values())
          .allSatisfy(
              list -> {
                assertThat(list).hasSize(1);
                assertThat(list.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
              });
    }
  }

  private static Process startWorkerProcess(RunexConfig cfg, Path log) throws Exception {
    Path jar = RunexHome.resolve().resolve("launcher/target/runex.jar");
    assertThat(jar).as("the shaded runex jar (built in the package phase)").exists();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "worker",
                "--pool",
                "default",
                "--id",
                "crash-worker",
                "--concurrency",
                "8"));
    for (var s :
        List.of(Settings.BOOTSTRAP_SERVERS, Settings.SCHEMA_REGISTRY_URL, Settings.TOPIC_PREFIX)) {
      cmd.add("--set");
      cmd.add(s.key() + "=" + cfg.string(s));
    }
    cmd.add("--set");
    cmd.add(Settings.METRICS_PORT.key() + "=-1");
    File out = log.toFile();
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
  }
}

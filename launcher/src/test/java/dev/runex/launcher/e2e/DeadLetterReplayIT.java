package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RetryPolicy;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.deadletter.DeadLetterReplay;
import dev.runex.launcher.RunexMain;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * An operator replays a dead letter with the CLI once the outage behind it is over: one new result.
 */
class DeadLetterReplayIT {

  /** A handler whose downstream system is down until the test brings it back. */
  static final class InventoryHandler implements JobHandler {
    final AtomicBoolean down = new AtomicBoolean(true);
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String name() {
      return "inventory";
    }

    @Override
    public String handle(JobContext ctx) {
      calls.incrementAndGet();
      if (down.get()) {
        throw new IllegalStateException("inventory service unavailable");
      }
      return "reserved " + ctx.job().getParams().get("sku") + " with key " + ctx.idempotencyKey();
    }
  }

  @Test
  @Timeout(240)
  void replayedDeadLetterProducesExactlyOneNewResult() throws Exception {
    RunexConfig base = RealKafka.config(Map.of());
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.put(
        "reserve",
        new JobTypeSpec(
            "reserve",
            "java",
            "inventory",
            "default",
            Set.of("demo"),
            Map.of(),
            true,
            65_536,
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            new RetryPolicy(2, 5, Duration.ofMillis(100), 2.0, 0.2, Duration.ofSeconds(1))));
    RunexConfig cfg = base.withJobTypes(types);
    InventoryHandler inventory = new InventoryHandler();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins().register(inventory));

      intake.json(
          "order-1", "{\"type\":\"reserve\",\"tenant\":\"demo\",\"params\":{\"sku\":\"A-1\"}}");
      intake.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> collector.only("order-1") != null && !collector.deadLetters.isEmpty());
      assertThat(collector.only("order-1").getStatus()).isEqualTo(JobStatus.FAILED);
      assertThat(collector.only("order-1").getAttempts()).isEqualTo(2);
      DeadLetter dead = collector.deadLetters.get(0).value();
      assertThat(dead.getAttempts()).isEqualTo(2);
      assertThat(dead.getReason().getMessage()).contains("inventory service unavailable");
      assertThat(dead.getSourceTopic()).isEqualTo(runtime.topics.scheduled("default").name());
      assertThat(dead.getJob().getId()).isEqualTo("order-1");
      assertThat(dead.getFirstFailureAt()).isBeforeOrEqualTo(dead.getLastFailureAt());

      inventory.down.set(false);
      int exit = new CommandLine(new RunexMain()).execute(cliArgs(cfg, "dlq", "replay", "order-1"));
      assertThat(exit).isZero();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> collector.results.get("order-1").size() == 2);
      Settled.awaitTopologyDone(cfg, Duration.ofSeconds(60));
      Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(60));
      collector.awaitCaughtUp(Duration.ofSeconds(30));
      assertThat(collector.results.get("order-1")).hasSize(2);
      JobResult replayed = collector.results.get("order-1").get(1);
      assertThat(replayed.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(replayed.getOutput()).contains("reserved A-1").contains("order-1:1");
      assertThat(replayed.getLabels()).containsKey(DeadLetterReplay.REPLAY_LABEL);
      assertThat(collector.deadLetters).hasSize(1);
    }
  }

  static String[] cliArgs(RunexConfig cfg, String... command) {
    List<String> args = new java.util.ArrayList<>(List.of(command));
    for (var s :
        List.of(Settings.BOOTSTRAP_SERVERS, Settings.SCHEMA_REGISTRY_URL, Settings.TOPIC_PREFIX)) {
      args.add("--set");
      args.add(s.key() + "=" + cfg.string(s));
    }
    return args.toArray(String[]::new);
  }
}

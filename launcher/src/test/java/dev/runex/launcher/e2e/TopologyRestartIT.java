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
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.internal.execution.EchoHandler;
import dev.runex.workers.internal.execution.FailHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the runtime keeps for jobs in flight survives a restart. One runtime (topology +
 * worker) runs against the real broker while every kind of state is in flight at once — finished
 * jobs' status, idempotency keys, a cron schedule firing every second, a paused tenant with held
 * jobs, a tenant at its quota with jobs waiting in the quota gate, cancels of delayed and held
 * jobs, a retry waiting out its back-off, delayed jobs, intake written just before the stop and
 * while nothing runs. Then it stops mid-run, and a new runtime takes over: a topology with an EMPTY
 * state folder (every store must come back from its changelog) and a new worker (its control table
 * comes back from the control topic, held jobs are fetched again from the committed offsets).
 *
 * <p>Each kind of state is one {@link InFlightState} (see {@link InFlightStates}) driven through
 * the same phases; adding a kind is one more class and one more entry in {@link #inFlight()}.
 * Besides each kind's own checks, the whole run must hold the global invariants: every job id gets
 * exactly one result and one final event, no result for a job nobody submitted, a job's handler ran
 * once per attempt if it SUCCEEDED and never otherwise, and nothing is dead-lettered.
 *
 * <p>Timing: no assertion bounds a latency; waits are generous Awaitility timeouts. The only
 * time-dependent precondition is that what was due 15 s later (delayed jobs, a retry's back-off) is
 * still waiting when the first runtime has stopped; a failure says so.
 */
class TopologyRestartIT {
  static final Duration WAIT = Duration.ofSeconds(90);

  /** The event kinds that end a job, one per job, matching its result's status. */
  private static final Set<JobEventKind> TERMINAL =
      EnumSet.of(
          JobEventKind.SUCCEEDED,
          JobEventKind.FAILED,
          JobEventKind.TIMED_OUT,
          JobEventKind.REJECTED,
          JobEventKind.CANCELLED,
          JobEventKind.EXPIRED);

  private static final Logger log = LoggerFactory.getLogger(TopologyRestartIT.class);

  /** Every kind of state this test carries across the restart. */
  private static List<InFlightState> inFlight() {
    return List.of(
        new InFlightStates.FinishedJobStatus(),
        new InFlightStates.IdempotentSubmissions(),
        new InFlightStates.CronSchedule(),
        new InFlightStates.PausedTenant(),
        new InFlightStates.QuotaSlots(),
        new InFlightStates.Cancels(),
        new InFlightStates.IntakeAcrossTheRestart(),
        new InFlightStates.RetryBackingOff(),
        new InFlightStates.DelayedJobs());
  }

  @Test
  @Timeout(300)
  void stateInFlightSurvivesARestartOfTheRuntimeWithEmptyLocalState(@TempDir Path freshStateDir)
      throws Exception {
    List<InFlightState> kinds = inFlight();
    RunexConfig cfg = config(kinds);
    Executions executions = new Executions();
    RunexConfig restarted = cfg.with(Settings.TOPOLOGY_STATE_DIR, freshStateDir.toString());
    InProcessRuntime provisioned = new InProcessRuntime(cfg); // creates the topics
    try (ResultCollector collector = new ResultCollector(cfg, provisioned.topics);
        IntakeClient intake = new IntakeClient(cfg, provisioned.topics);
        InFlightState.Run run = new InFlightState.Run(cfg, provisioned.topics, collector, intake)) {
      try (InProcessRuntime first = new InProcessRuntime(cfg).startTopology()) {
        first.startWorker(handlers(executions));
        run.statusUrl = first.statusUrl();
        phase("start", kinds, k -> k.start(run));
        phase("justBeforeRestart", kinds, k -> k.justBeforeRestart(run));
      } // topology and worker stop, with everything above in flight
      run.statusUrl = null;
      run.stoppedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      log.info("first runtime stopped");
      phase("whileDown", kinds, k -> k.whileDown(run));

      try (InProcessRuntime second = new InProcessRuntime(restarted).startTopology()) {
        second.startWorker(handlers(executions));
        run.statusUrl = second.statusUrl();
        log.info(
            "second runtime started, {} after the first stopped",
            Duration.between(run.stoppedAt, Instant.now()));
        phase("afterRestart", kinds, k -> k.afterRestart(run));
        // settled: every job of every kind has its result and final event, the topology and the
        // worker have processed everything written so far, and the collector has read what they
        // wrote (so a second result would be counted)
        await("every job's result and final event")
            .atMost(WAIT)
            .until(
                () ->
                    kinds.stream()
                        .flatMap(k -> k.jobIds(run).stream())
                        .allMatch(
                            id ->
                                collector.results.containsKey(id)
                                    && !run.events(id, TERMINAL).isEmpty()));
        Settled.awaitTopologyDone(restarted, WAIT);
        Settled.awaitWorkersDone(restarted, "default", WAIT);
        collector.awaitCaughtUp(WAIT);
        log.info("settled: {} results", collector.resultCount());
        phase("verify", kinds, k -> k.verify(run));
        assertGlobalInvariants(kinds, run, executions);
      }
    }
  }

  /** One step of every kind; logged, so a slow or stuck run shows where. */
  private static void phase(String name, List<InFlightState> kinds, Step step) throws Exception {
    for (InFlightState kind : kinds) {
      long t0 = System.nanoTime();
      step.run(kind);
      log.info(
          "{} {}: {} ms",
          name,
          kind.getClass().getSimpleName(),
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run(InFlightState kind) throws Exception;
  }

  /**
   * One result and one final event per job, none for strangers; a job's handler ran once per
   * attempt if it SUCCEEDED and never otherwise, as often as it STARTED; nothing dead-lettered.
   */
  private static void assertGlobalInvariants(
      List<InFlightState> kinds, InFlightState.Run run, Executions executions) {
    Set<String> submitted = new TreeSet<>();
    kinds.forEach(k -> submitted.addAll(k.jobIds(run)));
    Map<String, List<JobResult>> results = run.collector.results;
    assertThat(results.keySet())
        .as("results only for jobs that were submitted")
        .isSubsetOf(submitted);
    for (String id : submitted) {
      List<JobResult> own = results.getOrDefault(id, List.of());
      assertThat(own).as("results of %s", id).hasSize(1);
      JobResult result = own.get(0);
      int expectedRuns = result.getStatus() == JobStatus.SUCCEEDED ? result.getAttempts() : 0;
      assertThat(executions.of(id))
          .as("executions of %s (%s)", id, result.getStatus())
          .isEqualTo(expectedRuns);
      assertThat(run.events(id, JobEventKind.STARTED))
          .as("STARTED events of %s", id)
          .hasSize(expectedRuns);
      assertThat(run.events(id, TERMINAL))
          .as("final events of %s", id)
          .singleElement()
          .extracting(e -> e.getKind().name())
          .isEqualTo(result.getStatus().name());
    }
    assertThat(run.collector.deadLetters).as("dead letters").isEmpty();
  }

  /**
   * The built-ins, each counting its calls per job id in {@code executions} (shared by both
   * workers).
   */
  private static HandlerRegistry handlers(Executions executions) {
    return HandlerRegistry.withBuiltins()
        .register(executions.counting(new EchoHandler()))
        .register(executions.counting(new FailHandler()));
  }

  /** Handler calls (attempts that really ran) per job id, across both workers. */
  private static final class Executions {
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    JobHandler counting(JobHandler handler) {
      return new JobHandler() {
        @Override
        public String name() {
          return handler.name();
        }

        @Override
        public String handle(JobContext ctx) throws Exception {
          runs.computeIfAbsent(ctx.jobId(), id -> new AtomicInteger()).incrementAndGet();
          return handler.handle(ctx);
        }
      };
    }

    int of(String jobId) {
      AtomicInteger n = runs.get(jobId);
      return n == null ? 0 : n.get();
    }
  }

  /** Bundled defaults plus {@code note} (echo for any tenant), then what each kind needs. */
  private static RunexConfig config(List<InFlightState> kinds) {
    RunexConfig cfg =
        InFlightState.withJobTypes(
            RealKafka.config(Map.of("runex.topology.punctuateInterval", "100ms")),
            """
        note:
          executor: java
          handler: echo
          tenants: ["*"]
          allowUnknownParams: true
        """);
    for (InFlightState kind : kinds) {
      cfg = kind.configure(cfg);
    }
    return cfg;
  }
}

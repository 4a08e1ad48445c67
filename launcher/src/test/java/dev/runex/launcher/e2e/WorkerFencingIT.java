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
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import dev.runex.workers.internal.output.FatalTransactionException;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker's transactional producer fenced on the real broker, as the coordinator fences it when
 * one of its transactions outlived the timeout (a worker or broker that stood still) — here by
 * another producer registering the same transactional id, which bumps the epoch the same way.
 * Fenced once, the worker replaces its producer and every job still has exactly one result; fenced
 * again after each replacement (another instance really holds the id), it stops and says why.
 */
class WorkerFencingIT {
  private static final String WORKER_ID = "fence-worker";

  @Test
  @Timeout(300)
  void aWorkerFencedOnceReplacesItsProducerAndEveryJobHasOneResult() throws Exception {
    int jobs = 400;
    RunexConfig cfg = config();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      JobWorker worker = runtime.startWorker(HandlerRegistry.withBuiltins());
      submit(intake, "once-", 0, jobs / 2, 20);
      await().atMost(Duration.ofSeconds(120)).until(() -> collector.resultCount() >= jobs / 8);

      // while jobs flow: the epoch moves on under the worker's transactions; the jobs after it
      // make sure the worker writes again
      fence(cfg);
      submit(intake, "once-", jobs / 2, jobs, 20);

      await().atMost(Duration.ofSeconds(180)).until(() -> collector.resultCount() >= jobs);
      Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(120));
      collector.awaitCaughtUp(Duration.ofSeconds(60));
      assertThat(worker.isRunning()).as("the fenced worker lives on").isTrue();
      assertThat(worker.failure()).isEmpty();
      // the epoch moved on: the worker's next request met ProducerFencedException (its commit) or
      // InvalidProducerEpochException (its records), whichever came first
      assertThat(producersLost(runtime, "fenced") + producersLost(runtime, "other"))
          .as("producers lost and replaced")
          .isEqualTo(1);
      assertExactlyOneSucceededResultEach(collector, jobs);
    }
  }

  @Test
  @Timeout(300)
  void aWorkerFencedAgainAfterEachNewProducerStopsAndSaysWhy() throws Exception {
    RunexConfig cfg = config();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      JobWorker worker = runtime.startWorker(HandlerRegistry.withBuiltins());
      submit(intake, "twin-", 0, 1_000, 100);
      await().atMost(Duration.ofSeconds(120)).until(() -> collector.resultCount() >= 20);

      // another instance keeps registering the same transactional id
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (worker.isRunning() && System.nanoTime() < deadline) {
        fence(cfg);
        Thread.sleep(500);
      }

      assertThat(worker.isRunning()).as("stopped by the repeated fencing").isFalse();
      assertThat(worker.failure())
          .get()
          .isInstanceOf(FatalTransactionException.class)
          .extracting(Throwable::getMessage)
          .asString()
          .contains("fenced 3 times within 10 min")
          .endsWith("with transactional id " + transactionalId(cfg));
      assertThat(producersLost(runtime, "fenced")).isEqualTo(3);
      // what it committed before it stopped is there once, and nothing else
      collector.awaitCaughtUp(Duration.ofSeconds(60));
      assertThat(collector.results.values()).allSatisfy(list -> assertThat(list).hasSize(1));
    }
  }

  @Test
  @Timeout(300)
  void aWorkerFrozenPastItsTransactionTimeoutResumesWithANewProducer() throws Exception {
    // given: a worker process whose transactions stay open about a second (its commit interval)
    // and may stay open 5 s (the local broker looks for timed-out ones every 2 s), and whose
    // group membership outlives the freeze
    int jobs = 300;
    RunexConfig cfg = RealKafka.config(Map.of());
    String id = "frozen-txn";
    String txnId = cfg.workerGroupId("default") + "." + id;
    Path logs =
        Files.createDirectories(RunexHome.resolve().resolve("launcher/target/worker-fencing-logs"));
    List<String> overrides =
        List.of(
            Settings.WORKER_TRANSACTION_TIMEOUT.key() + "=5s",
            Settings.WORKER_COMMIT_INTERVAL.key() + "=1s",
            Settings.WORKER_MIN_COMMIT_GAP.key() + "=1s",
            // records go out as they are made, so each transaction is open at the broker from its
            // first result on (it only begins with its first records)
            "runex.kafka.producer.linger.ms=5",
            // the group must not expire it meanwhile: that would fail its commit first
            Settings.WORKER_SESSION_TIMEOUT.key() + "=40s");
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()));
        RuntimeProcess worker =
            RuntimeProcess.worker(id, "default", 4, cfg, null, overrides, logs)) {
      submit(intake, "frozen-", 0, jobs / 2, 50);
      await().atMost(Duration.ofSeconds(120)).until(() -> collector.resultCount() >= jobs / 10);

      // when: the process stands still (SIGSTOP) until the coordinator has aborted its open
      // transaction and bumped its epoch — a freeze that caught no transaction open is tried again
      boolean aborted = false;
      for (int attempt = 0; attempt < 3 && !aborted; attempt++) {
        worker.freeze();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!aborted && System.nanoTime() < deadline) {
          TransactionState state =
              admin.describeTransactions(List.of(txnId)).description(txnId).get().state();
          aborted =
              state == TransactionState.PREPARE_ABORT || state == TransactionState.COMPLETE_ABORT;
          Thread.sleep(200);
        }
        worker.thaw();
        if (!aborted) {
          Thread.sleep(1_000); // let it open a transaction again
        }
      }
      assertThat(aborted).as("the coordinator aborted a frozen worker's transaction").isTrue();
      submit(intake, "frozen-", jobs / 2, jobs, 50);

      // then: the thawed worker met the bumped epoch, replaced its producer and went on
      await().atMost(Duration.ofSeconds(180)).until(() -> collector.resultCount() >= jobs);
      Settled.awaitWorkersDone(cfg, "default", Duration.ofSeconds(120));
      collector.awaitCaughtUp(Duration.ofSeconds(60));
      assertThat(worker.isAlive()).as("the thawed worker lives on").isTrue();
      assertThat(Files.readString(worker.log())).contains("the producer is replaced");
      assertExactlyOneSucceededResultEach(collector, jobs);
    }
  }

  private static RunexConfig config() {
    return RealKafka.config(
        Map.of(Settings.WORKER_ID.key(), WORKER_ID, Settings.WORKER_CONCURRENCY.key(), "4"));
  }

  /** Jobs {@code prefix + from} to {@code prefix + (to - 1)}, each sleeping {@code sleepMs}. */
  private static void submit(IntakeClient intake, String prefix, int from, int to, int sleepMs)
      throws Exception {
    for (int i = from; i < to; i++) {
      intake.json(
          prefix + i,
          "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{\"ms\":" + sleepMs + "}}");
    }
    intake.flush();
  }

  private static String transactionalId(RunexConfig cfg) {
    return cfg.workerGroupId("default") + "." + WORKER_ID;
  }

  /**
   * Registers the worker's transactional id from another producer: the broker fences the worker's.
   */
  private static void fence(RunexConfig cfg) {
    try (KafkaProducer<byte[], byte[]> intruder =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cfg.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId(cfg)),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      intruder.initTransactions();
    }
  }

  private static double producersLost(InProcessRuntime runtime, String cause) {
    Counter c = runtime.meters.find("runex.worker.producer.lost").tag("cause", cause).counter();
    return c == null ? 0 : c.count();
  }

  private static void assertExactlyOneSucceededResultEach(ResultCollector collector, int jobs) {
    Map<String, List<JobResult>> results = collector.results;
    assertThat(results).hasSize(jobs);
    assertThat(results.values())
        .allSatisfy(
            list -> {
              assertThat(list).hasSize(1);
              assertThat(list.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            });
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.LocalInfra;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.topics.RunexTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The broker frozen (SIGSTOP) while jobs flow — longer than the worker's transaction and session
 * timeouts and the topology's — then thawed (SIGCONT): the coordinator has aborted the open
 * transactions and bumped their producers' epochs, and expired the group members. Twice: for 30 s,
 * so the worker's blocked commit returns after the thaw and meets the bumped epoch
 * (InvalidProducerEpochException, which used to stop the worker), and for 60 s, so it times out on
 * the client first. The worker and topology processes must live through both (a lost producer is
 * replaced, not a reason to stop) and every job must end with exactly one result.
 *
 * <p>The broker is this test's own (a child process it can signal by pid); the registry too.
 */
@Execution(ExecutionMode.CONCURRENT) // mostly waits on its own servers: runs beside the others
class BrokerFreezeIT {
  private static final int JOBS = 3_000;
  private static final List<Duration> FREEZES =
      List.of(Duration.ofSeconds(30), Duration.ofSeconds(60));
  @TempDir Path tmp;

  @Test
  @Timeout(900)
  void workerAndTopologySurviveABrokerFrozenForAMinuteAndEveryJobHasOneResult() throws Exception {
    try (LocalInfra infra =
        LocalInfra.start(tmp.resolve("infra"), 0, 0, 0, LocalInfra.SchemaStore.MEMORY)) {
      RunexConfig cfg =
          ConfigLoader.load(
              null,
              Map.of(),
              Map.of(
                  Settings.BOOTSTRAP_SERVERS.key(), infra.bootstrapServers(),
                  Settings.SCHEMA_REGISTRY_URL.key(), infra.registryUrl(),
                  Settings.TOPOLOGY_APPLICATION_ID.key(), "freeze-topology",
                  Settings.METRICS_PORT.key(), "0",
                  Settings.TOPOLOGY_STATUS_PORT.key(), "0"));
      RunexTopics topics = cfg.topics();
      TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
      Path logs = Files.createDirectories(Path.of("target/broker-freeze-logs"));
      try (RuntimeProcesses runtime = new RuntimeProcesses(logs);
          ResultCollector collector = new ResultCollector(cfg, topics);
          KafkaProducer<byte[], byte[]> intake = patientProducer(cfg)) {
        Process topology = runtime.topology(cfg, tmp.resolve("streams"));
        Process worker = runtime.worker(cfg, "freeze-worker");
        AtomicInteger submitted = new AtomicInteger();
        Thread submitter = submitSteadily(intake, topics.intake().name(), submitted);

        long broker = infra.broker().pid();
        for (Duration freeze : FREEZES) {
          // given: jobs flowing end to end
          int before = collector.resultCount();
          await("results flowing")
              .atMost(Duration.ofMinutes(5))
              .until(() -> collector.resultCount() >= before + JOBS / 6);
          // when: the broker freezes for longer than every transaction and session timeout
          signal("STOP", broker);
          try {
            Thread.sleep(freeze.toMillis()); // the fault lasts this long: nothing is awaited here
          } finally {
            signal("CONT", broker);
          }
          System.out.printf(
              "broker thawed after %s: %d of %d results so far%n",
              freeze, collector.resultCount(), JOBS);
        }

        // then
        submitter.join(Duration.ofMinutes(5).toMillis());
        assertThat(submitted.get()).isEqualTo(JOBS);
        await("every job's result")
            .atMost(Duration.ofMinutes(8))
            .until(() -> collector.results.size() >= JOBS);
        await("no second result")
            .during(Duration.ofSeconds(10))
            .atMost(Duration.ofSeconds(30))
            .until(() -> collector.resultCount() == JOBS);
        assertThat(collector.results).hasSize(JOBS);
        assertThat(collector.results.values())
            .allSatisfy(
                list -> {
                  assertThat(list).hasSize(1);
                  assertThat(list.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                });
        assertThat(worker.isAlive()).as("the worker process, see %s", logs).isTrue();
        assertThat(topology.isAlive()).as("the topology process, see %s", logs).isTrue();
      }
    }
  }

  /** Submits {@link #JOBS} short jobs at ~40/s on a background thread; counts them. */
  private static Thread submitSteadily(
      KafkaProducer<byte[], byte[]> intake, String topic, AtomicInteger submitted) {
    Thread t =
        new Thread(
            () -> {
              long started = System.nanoTime();
              for (int i = 0; i < JOBS; i++) {
                String json =
                    "{\"type\":\"sleep\",\"tenant\":\"demo\",\"params\":{\"ms\":"
                        + (10 + i % 40)
                        + "}}";
                intake.send(
                    new ProducerRecord<>(
                        topic,
                        ("freeze-" + i).getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
                submitted.incrementAndGet();
                long due = started + TimeUnit.MILLISECONDS.toNanos(25L * (i + 1));
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait); // pacing the submissions
                }
              }
              intake.flush();
            },
            "freeze-submitter");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** An idempotent producer that waits out a frozen broker instead of failing its sends. */
  private static KafkaProducer<byte[], byte[]> patientProducer(RunexConfig cfg) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cfg.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            600_000,
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            600_000),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s %s", signal, pid).isZero();
  }
}

package dev.runex.workers;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ExecutionLimits;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RetryPolicy;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admission control in the poll loop: slots, the memory budget, and pausing when full. */
@Timeout(60)
class WorkerAdmissionTest {
  private static final String SCHEDULED = "runex.scheduled.default";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final long MB = 1024 * 1024;

  private final Hog hog = new Hog();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private RunexTopics topics;
  private FakeKafka kafka;
  private JobWorker worker;

  @AfterEach
  void tearDown() {
    hog.release.countDown();
    if (worker != null) {
      worker.close();
    }
  }

  private void start(String budget) {
    RunexConfig base =
        TestConfig.config(
            Map.of(
                "runex.worker.id", "w1",
                "runex.worker.commitInterval", "20ms",
                "runex.worker.concurrency", "4",
                "runex.worker.drainTimeout", "5s",
                "runex.worker.memoryBudget", budget));
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.put("hog", type("hog", 256 * MB));
    types.put("huge", type("huge", 512 * MB));
    RunexConfig cfg = base.withJobTypes(types);
    topics = TestConfig.topics(cfg);
    kafka = new FakeKafka(topics, SCHEDULED, 1);
    HandlerRegistry handlers =
        HandlerRegistry.withBuiltins().register(hog).register(new Named("huge"));
    worker = new JobWorker(cfg, topics, handlers, meters, kafka, Clock.systemUTC());
    worker.start();
    kafka.assign(List.of(new TopicPartition(SCHEDULED, 0)));
  }

  private static JobTypeSpec type(String name, long memory) {
    ExecutionLimits d = ExecutionLimits.DEFAULT;
    return new JobTypeSpec(
        name,
        "java",
        name,
        "default",
        Set.of("*"),
        Map.of(),
        true,
        65_536,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        RetryPolicy.DEFAULT,
        new ExecutionLimits(
            memory, d.cpu(), d.pids(), d.fileSizeBytes(), d.outputBytes(), false, d.env()),
        null,
        null,
        null);
  }

  private static Job withMemory(Job job, long bytes) {
    return Job.newBuilder(job)
        .setLimits(JobLimits.newBuilder().setMemoryBytes(bytes).build())
        .build();
  }

  @Test
  void jobsWaitUntilTheirDeclaredMemoryFitsTheBudget() {
    // given: a 512MB budget, 4 slots; three jobs declaring 256MB and one declaring 64MB, distinct
    // keys
    start("512MB");
    kafka.append(0, job("h1", "hog", Map.of()));
    kafka.append(0, job("h2", "hog", Map.of()));
    kafka.append(0, job("h3", "hog", Map.of()));
    kafka.append(0, withMemory(job("small", "hog", Map.of()), 64 * MB));

    // then: two run (512MB reserved); the third waits at the head, and the small one does not
    // overtake it
    await().atMost(WAIT).until(() -> hog.running.get() == 2);
    kafka.awaitFetchedAndConsidered(WAIT);
    assertThat(hog.running.get()).isEqualTo(2);
    assertThat(meters.get("runex.worker.memory.reserved").gauge().value()).isEqualTo(512.0 * MB);
    assertThat(hog.started).containsExactlyInAnyOrder("h1", "h2");

    // when the running jobs finish, the rest start and everything completes
    hog.release.countDown();
    await().atMost(WAIT).until(() -> results().size() == 4);
    assertThat(hog.maxRunning.get()).isEqualTo(2);
    assertThat(results().values())
        .extracting(JobResult::getStatus)
        .containsOnly(JobStatus.SUCCEEDED);
    await()
        .atMost(WAIT)
        .until(() -> meters.get("runex.worker.memory.reserved").gauge().value() == 0.0);
  }

  @Test
  void aJobDeclaringMoreThanTheWholeBudgetFailsInsteadOfWaitingForever() {
    start("256MB");
    kafka.append(0, job("big", "huge", Map.of()));

    await().atMost(WAIT).until(() -> results().containsKey("big"));
    JobResult r = results().get("big");
    assertThat(r.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(r.getError().getCode()).isEqualTo("MEMORY_BUDGET_EXCEEDED");
    assertThat(r.getError().getMessage()).contains("512MB").contains("256MB");
  }

  @Test
  void aFullWorkerPausesFetchingInsteadOfBufferingWithoutBound() {
    start("256MB");
    for (int i = 0; i < 20; i++) {
      kafka.append(0, job("h" + i, "hog", Map.of()));
    }

    await().atMost(WAIT).until(() -> hog.running.get() == 1);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              synchronized (kafka.consumer) {
                return kafka.consumer.paused().contains(new TopicPartition(SCHEDULED, 0));
              }
            });

    hog.release.countDown();
    await().atMost(WAIT).until(() -> results().size() == 20);
  }

  private Map<String, JobResult> results() {
    return kafka.producer.history().stream()
        .filter(r -> r.topic().equals("runex.results"))
        .map(
            (ProducerRecord<byte[], byte[]> r) ->
                topics.results().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .collect(Collectors.toMap(JobResult::getId, Function.identity()));
  }

  /** Holds every job until released, counting how many run at once. */
  static final class Hog implements JobHandler {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();
    final Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
      return "hog";
    }

    @Override
    public String handle(JobContext ctx) throws InterruptedException {
      started.add(ctx.jobId());
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        return release.await(20, TimeUnit.SECONDS) ? "done" : "not released";
      } finally {
        running.decrementAndGet();
      }
    }
  }

  /** A handler that returns at once. */
  record Named(String name) implements JobHandler {
    @Override
    public String handle(JobContext ctx) {
      return "ran";
    }
  }
}

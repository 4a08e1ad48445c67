package dev.runex.workers;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.JobTypeSpec;
import dev.runex.config.RetryPolicy;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pause, resume and cancel as the poll loop applies them, against Kafka's mock clients. */
class WorkerControlTest {
  private static final String SCHEDULED = "runex.scheduled.default";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final Recorder recorder = new Recorder();
  private final Blocker blocker = new Blocker();
  private RunexTopics topics;
  private FakeKafka kafka;
  private JobWorker worker;

  @BeforeEach
  void setUp() {
    RunexConfig cfg = config();
    topics = TestConfig.topics(cfg);
    kafka = new FakeKafka(topics, SCHEDULED, 1);
    worker =
        new JobWorker(
            cfg,
            topics,
            HandlerRegistry.withBuiltins().register(recorder).register(blocker),
            new SimpleMeterRegistry(),
            kafka,
            Clock.systemUTC());
    worker.start();
    kafka.assign(kafka.partitions(0));
  }

  @AfterEach
  void tearDown() {
    blocker.release.countDown();
    worker.close();
  }

  @Test
  void pausedTenantJobsWaitUncommittedWhileOthersRunAndRunInOrderOnResume() {
    // given
    control(ControlTargets.tenant("acme"), ControlAction.PAUSE);

    // when
    for (int i = 1; i <= 3; i++) {
      kafka.append(0, tenantJob("acme-" + i, "acme", "k"));
    }
    kafka.append(0, tenantJob("demo-1", "demo", "d"));

    // then: the other tenant's job runs, the paused ones neither run nor let the commit pass them
    await().atMost(WAIT).until(() -> results().containsKey("demo-1"));
    kafka.awaitFetchedAndConsidered(WAIT);
    assertThat(results()).doesNotContainKey("acme-1");
    assertThat(recorder.ran).containsExactly("demo-1");
    assertThat(committedOffset()).isLessThanOrEqualTo(0);

    // when
    control(ControlTargets.tenant("acme"), ControlAction.RESUME);

    // then
    await().atMost(WAIT).until(() -> results().size() == 4 && committedOffset() == 4);
    assertThat(recorder.ran).containsExactly("demo-1", "acme-1", "acme-2", "acme-3");
    assertThat(results().values())
        .extracting(JobResult::getStatus)
        .containsOnly(JobStatus.SUCCEEDED);
  }

  @Test
  void pausedPoolHoldsEveryJob() {
    // given
    control(ControlTargets.pool("default"), ControlAction.PAUSE);

    // when
    kafka.append(0, tenantJob("p-1", "demo", "p-1"));

    // then: fetched and held
    kafka.awaitFetchedAndConsidered(WAIT);
    assertThat(results()).isEmpty();
    assertThat(recorder.ran).isEmpty();
    control(ControlTargets.pool("default"), ControlAction.RESUME);
    await().atMost(WAIT).until(() -> results().containsKey("p-1"));
  }

  @Test
  void cancelledQueuedJobGetsOneCancelledResultWithoutStarting() {
    // given
    control(ControlTargets.job("c-1"), ControlAction.CANCEL);

    // when
    kafka.append(0, tenantJob("c-1", "demo", "c-1"));

    // then
    await().atMost(WAIT).until(() -> results().containsKey("c-1") && committedOffset() == 1);
    assertThat(results().get("c-1").getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(results().get("c-1").getError().getCode()).isEqualTo("CANCELLED");
    assertThat(eventKinds("c-1")).containsExactly(JobEventKind.CANCELLED);
    assertThat(recorder.ran).isEmpty();
  }

  @Test
  void cancelledHeldJobIsCancelledWhileItsTenantStaysPaused() {
    // given
    control(ControlTargets.tenant("acme"), ControlAction.PAUSE);
    kafka.append(0, tenantJob("h-1", "acme", "h"));
    kafka.append(0, tenantJob("h-2", "acme", "h"));
    kafka.awaitFetchedAndConsidered(WAIT);
    assertThat(results()).isEmpty();

    // when
    control(ControlTargets.job("h-2"), ControlAction.CANCEL);

    // then
    await().atMost(WAIT).until(() -> results().containsKey("h-2"));
    assertThat(results().get("h-2").getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(results()).doesNotContainKey("h-1");
  }

  @Test
  void cancelledJobHeldUntilItsDueTimeIsCancelledAtOnce() {
    // given: a job handed over an hour before it is due, waiting in the worker
    Job later =
        Job.newBuilder(tenantJob("d-1", "demo", "d"))
            .setDueAt(Instant.now().plus(Duration.ofHours(1)))
            .build();
    kafka.append(0, later);
    kafka.awaitFetchedAndConsidered(WAIT);
    assertThat(results()).isEmpty();

    // when
    control(ControlTargets.job("d-1"), ControlAction.CANCEL);

    // then: its result and offset commit now, not in an hour
    await().atMost(WAIT).until(() -> results().containsKey("d-1") && committedOffset() == 1);
    assertThat(results().get("d-1").getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(eventKinds("d-1")).containsExactly(JobEventKind.CANCELLED);
    assertThat(recorder.ran).isEmpty();
  }

  @Test
  void aFiringHandedOverAheadOfItsTimeIsTakenBackWhenItsScheduleIsPausedBeforeThen() {
    // given: schedule tick's firing due in 2 s, handed over ahead of its time and waiting in the
    // worker, and its firing of a second ago, fired when due
    // (to the millisecond, as a fire time and a job's due time are)
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant next = now.plusSeconds(2);
    Instant last = now.minusSeconds(1);
    kafka.append(0, firing("tick", next, next));
    kafka.append(0, firing("tick", last, last));
    await().atMost(WAIT).until(() -> recorder.ran.contains("tick@" + last));

    // when: the schedule is paused before the next firing's time
    control(ControlTargets.schedule("tick"), ControlAction.PAUSE);

    // then: at its time the waiting firing ends CANCELLED without running, as the topology would
    // not have fired it had the pause come first; the one whose time had come ran
    await().atMost(WAIT).until(() -> results().containsKey("tick@" + next));
    JobResult taken = results().get("tick@" + next);
    assertThat(taken.getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(taken.getError().getMessage()).contains("schedule tick paused at");
    assertThat(taken.getFinishedAt()).isAfterOrEqualTo(next);
    assertThat(recorder.ran).containsExactly("tick@" + last);
    assertThat(results().get("tick@" + last).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
  }

  /** A firing of {@code schedule} at {@code at}, due at {@code dueAt}. */
  private static Job firing(String schedule, Instant at, Instant dueAt) {
    return Job.newBuilder(tenantJob(schedule + "@" + at, "demo", schedule))
        .setLabels(Map.of("runex.schedule", schedule, "runex.scheduledFor", at.toString()))
        .setDueAt(dueAt)
        .build();
  }

  @Test
  void cancelledRunningJobIsInterruptedAndGetsOnlyACancelledResult() {
    // given
    kafka.append(0, job("r-1", "blocker", Map.of()));
    await().atMost(WAIT).until(() -> eventKinds("r-1").contains(JobEventKind.STARTED));

    // when
    control(ControlTargets.job("r-1"), ControlAction.CANCEL);

    // then
    await().atMost(WAIT).until(() -> results().containsKey("r-1") && committedOffset() == 1);
    assertThat(blocker.sawCancel).isTrue();
    assertThat(results().get("r-1").getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(results().get("r-1").getStartedAt()).isNotNull();
    assertThat(eventKinds("r-1")).containsExactly(JobEventKind.STARTED, JobEventKind.CANCELLED);
    assertThat(records("runex.retry")).isEmpty();
  }

  @Test
  void cancelOfAFinishedJobProducesNothing() {
    // given
    kafka.append(0, tenantJob("f-1", "demo", "f-1"));
    await().atMost(WAIT).until(() -> results().containsKey("f-1") && committedOffset() == 1);

    // when
    control(ControlTargets.job("f-1"), ControlAction.CANCEL);
    kafka.append(0, tenantJob("f-2", "demo", "f-2"));

    // then
    await().atMost(WAIT).until(() -> results().containsKey("f-2"));
    assertThat(resultRecordsOf("f-1")).isEqualTo(1);
    assertThat(results().get("f-1").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
  }

  private void control(String target, ControlAction action) {
    worker
        .control()
        .apply(target, ControlTargets.command(target, action, "test", null, Instant.now()));
  }

  private static Job tenantJob(String id, String tenant, String key) {
    return Job.newBuilder(job(id, "recorder", Map.of()))
        .setTenant(tenant)
        .setPartitionKey(key)
        .build();
  }

  private static RunexConfig config() {
    RunexConfig base =
        TestConfig.config(
            Map.of(
                "runex.worker.id", "w1",
                "runex.worker.commitInterval", "20ms",
                "runex.worker.concurrency", "4",
                "runex.worker.drainTimeout", "5s"));
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    for (String name : List.of("recorder", "blocker")) {
      types.put(
          name,
          new JobTypeSpec(
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
              RetryPolicy.DEFAULT));
    }
    return base.withJobTypes(types);
  }

  private long committedOffset() {
    synchronized (kafka.consumer) {
      OffsetAndMetadata c = kafka.committedOffsets.get(new TopicPartition(SCHEDULED, 0));
      return c == null ? -1 : c.offset();
    }
  }

  private List<ProducerRecord<byte[], byte[]>> records(String topic) {
    return kafka.producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  private long resultRecordsOf(String jobId) {
    return records("runex.results").stream()
        .map(r -> topics.results().valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(r -> r.getId().equals(jobId))
        .count();
  }

  private Map<String, JobResult> results() {
    Map<String, JobResult> out = new HashMap<>();
    for (ProducerRecord<byte[], byte[]> r : records("runex.results")) {
      JobResult result =
          topics.results().valueSerde().deserializer().deserialize(r.topic(), r.value());
      assertThat(out.put(result.getId(), result))
          .as("second result for %s", result.getId())
          .isNull();
    }
    return out;
  }

  private List<JobEventKind> eventKinds(String jobId) {
    List<JobEventKind> kinds = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : records("runex.events")) {
      JobEvent e = topics.events().valueSerde().deserializer().deserialize(r.topic(), r.value());
      if (e.getJobId().equals(jobId)) {
        Lifecycle.transitions(e).forEach(t -> kinds.add(t.getKind()));
      }
    }
    return kinds;
  }

  /** Records the order jobs ran in. */
  static final class Recorder implements JobHandler {
    final List<String> ran = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public String handle(JobContext ctx) {
      ran.add(ctx.jobId());
      return "ok";
    }
  }

  /** Blocks until interrupted (or released), noting whether it saw the cancel. */
  static final class Blocker implements JobHandler {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean sawCancel = new AtomicBoolean();

    @Override
    public String name() {
      return "blocker";
    }

    @Override
    public String handle(JobContext ctx) throws InterruptedException {
      try {
        release.await(20, TimeUnit.SECONDS);
        return "released";
      } catch (InterruptedException e) {
        sawCancel.set(ctx.isCancelled());
        throw e;
      }
    }
  }
}

package dev.runex.workers;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.RunexConfig;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.workers.testing.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A (re)started worker starts no job before it has read the control topic to its end, so a pause or
 * cancel written before it started is never missed (the restart guarantee of pause and cancel).
 */
class WorkerControlCatchUpTest {
  private static final String SCHEDULED = "runex.scheduled.default";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final RunexConfig CFG =
      TestConfig.config(Map.of("runex.worker.id", "w1", "runex.worker.commitInterval", "20ms"));

  private JobWorker worker;

  @AfterEach
  void tearDown() {
    if (worker != null) {
      worker.close();
    }
  }

  @Test
  void noJobStartsUntilTheControlTopicIsReadAndAPauseWrittenBeforeTheStartHoldsTheJob() {
    // given: the control topic holds two records the worker has not read yet: a pause and a cancel
    RunexTopics topics = TestConfig.topics(CFG);
    FakeKafka kafka = startWorker(topics, 2);
    kafka.append(0, tenant(job("paused-1", "echo", Map.of("message", "hi")), "acme"));
    kafka.append(0, tenant(job("cancelled-1", "echo", Map.of("message", "hi")), "demo"));
    kafka.append(0, tenant(job("free-1", "echo", Map.of("message", "hi")), "demo"));

    // then: nothing runs while the control table is behind: its reader is polling the control
    // topic, and the worker has not polled for jobs at all
    kafka.awaitControlReadTo(0, WAIT);
    assertThat(kafka.consumer.polls.get()).isZero();
    assertThat(results(kafka, topics)).isEmpty();

    // when: the reader gets the first record, still one short of the end
    kafka.appendControl(
        0,
        ControlTargets.tenant("acme"),
        command(ControlTargets.tenant("acme"), ControlAction.PAUSE));
    kafka.awaitControlReadTo(1, WAIT);
    assertThat(kafka.consumer.polls.get()).isZero();
    assertThat(results(kafka, topics)).isEmpty();
    // and then the last one
    kafka.appendControl(
        1,
        ControlTargets.job("cancelled-1"),
        command(ControlTargets.job("cancelled-1"), ControlAction.CANCEL));

    // then: the paused tenant's job is held, the cancelled one never runs, the free one runs
    await().atMost(WAIT).until(() -> results(kafka, topics).size() == 2);
    Map<String, JobResult> results = results(kafka, topics);
    assertThat(results.get("cancelled-1").getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(results.get("free-1").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(results).doesNotContainKey("paused-1");
  }

  @Test
  void aPauseWrittenBeforeAJobWasFetchedHoldsItThoughTheReaderHasNotReadItYet() {
    // given: a running worker whose control table is caught up
    RunexTopics topics = TestConfig.topics(CFG);
    FakeKafka kafka = startWorker(topics, 0);
    kafka.append(0, tenant(job("before-1", "echo", Map.of("message", "hi")), "acme"));
    await().atMost(WAIT).until(() -> results(kafka, topics).containsKey("before-1"));

    // when: a pause of the tenant is written (the topic's end offset shows it at once), but reaches
    // the reader's fetches only 2 s later; a job of that tenant is fetched meanwhile
    String acme = ControlTargets.tenant("acme");
    kafka.appendControlLate(0, acme, command(acme, ControlAction.PAUSE), Duration.ofSeconds(2));
    kafka.append(0, tenant(job("after-pause", "echo", Map.of("message", "hi")), "acme"));

    // then: the job waits for the reader and, the pause read, is held until the resume
    kafka.awaitControlReadTo(1, WAIT);
    Instant resumed = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    kafka.appendControl(1, acme, command(acme, ControlAction.RESUME));
    await().atMost(WAIT).until(() -> results(kafka, topics).containsKey("after-pause"));
    JobResult held = results(kafka, topics).get("after-pause");
    assertThat(held.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(held.getStartedAt()).as("started after the resume").isAfterOrEqualTo(resumed);
  }

  /** A worker on a fake broker whose control topic holds {@code controlRecords} records to come. */
  private FakeKafka startWorker(RunexTopics topics, int controlRecords) {
    FakeKafka kafka = new FakeKafka(topics, SCHEDULED, 1).withControlTopic(controlRecords);
    worker =
        new JobWorker(
            CFG,
            topics,
            HandlerRegistry.withBuiltins(),
            new SimpleMeterRegistry(),
            kafka,
            Clock.systemUTC());
    worker.start();
    kafka.assign(kafka.partitions(0));
    return kafka;
  }

  private static ControlCommand command(String target, ControlAction action) {
    return ControlTargets.command(target, action, "test", null, Instant.now());
  }

  private static Job tenant(Job job, String tenant) {
    return Job.newBuilder(job).setTenant(tenant).setPartitionKey(job.getId()).build();
  }

  private static Map<String, JobResult> results(FakeKafka kafka, RunexTopics topics) {
    Map<String, JobResult> out = new HashMap<>();
    for (ProducerRecord<byte[], byte[]> r : kafka.producer.history()) {
      if (r.topic().equals(topics.results().name())) {
        JobResult result =
            topics.results().valueSerde().deserializer().deserialize(r.topic(), r.value());
        assertThat(out.put(result.getId(), result))
            .as("second result for %s", result.getId())
            .isNull();
      }
    }
    return out;
  }
}

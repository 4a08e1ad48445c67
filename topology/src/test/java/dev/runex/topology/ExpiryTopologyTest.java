package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.topology.queueing.DelayIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deadlines checked by the queueing stage: on arrival and when the delay index releases a job. */
class ExpiryTopologyTest {
  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, Job> validated;
  private TestInputTopic<String, Job> retry;
  private TestOutputTopic<String, Job> scheduled;
  private TestOutputTopic<String, JobResult> results;
  private TestOutputTopic<String, JobEvent> events;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    validated = h.input(h.topics.validated());
    retry = h.input(h.topics.retry());
    scheduled = h.output(h.topics.scheduled("default"));
    results = h.output(h.topics.results());
    events = h.output(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void jobDueNowWhoseDeadlinePassedEndsExpiredInsteadOfBeingScheduled() {
    // given
    Job job = job("late-1", "echo", h.now() - 5_000, h.now() - 1).build();

    // when
    validated.pipeInput(job.getId(), job);

    // then
    assertThat(scheduled.isEmpty()).isTrue();
    TestRecord<String, JobResult> result = results.readRecord();
    assertThat(result.key()).isEqualTo("late-1");
    assertThat(result.value().getStatus()).isEqualTo(JobStatus.EXPIRED);
    assertThat(result.value().getError().getCode()).isEqualTo("EXPIRED");
    assertThat(result.value().getAttempts()).isZero();
    List<JobEvent> ev = events.readValuesToList();
    assertThat(ev).extracting(JobEvent::getKind).containsExactly(JobEventKind.EXPIRED);
    assertThat(ev.get(0).getStage()).isEqualTo("queueing");
    assertThat(h.counter(RunexMeters.JOB_EXPIRED.meterName(), "type", "echo", "stage", "queueing"))
        .isEqualTo(1.0);
  }

  @Test
  void jobReleasedAfterItsDeadlineEndsExpired() {
    // given: due in 10 s, must start within 100 ms of that; the next release comes later
    Job job = job("late-2", "echo", h.now() + 10_000, h.now() + 10_100).build();
    validated.pipeInput(job.getId(), job);

    // when
    h.advance(Duration.ofSeconds(11));

    // then
    assertThat(scheduled.isEmpty()).isTrue();
    assertThat(results.readValue().getStatus()).isEqualTo(JobStatus.EXPIRED);
    assertThat(events.readValuesToList())
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.DELAYED, JobEventKind.EXPIRED);
    assertThat(h.driver.getKeyValueStore(DelayIndex.STORE).approximateNumEntries()).isZero();
  }

  @Test
  void jobReleasedBeforeItsDeadlineIsScheduledAsUsual() {
    // given
    Job job = job("on-time", "echo", h.now() + 1_000, h.now() + 60_000).build();
    validated.pipeInput(job.getId(), job);

    // when
    h.advance(Duration.ofMillis(1_200));

    // then
    assertThat(scheduled.readValue().getId()).isEqualTo("on-time");
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void retryDueAfterTheDeadlineExpiresOnArrivalWithoutWaiting() {
    // given: the back-off ends after the request's deadline
    Job next = job("late-3", "echo", h.now() + 30_000, h.now() + 5_000).setAttempt(2).build();

    // when
    retry.pipeInput(next.getId(), next);

    // then
    JobResult result = results.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.EXPIRED);
    assertThat(result.getAttempts()).isEqualTo(1);
    assertThat(events.readValuesToList())
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.EXPIRED);
    assertThat(h.driver.getKeyValueStore(DelayIndex.STORE).approximateNumEntries()).isZero();
  }

  @Test
  void typesMaxQueueTimeExpiresAJobThatWaitedTooLongPastItsDueTime() {
    // given: type report allows one minute in the queue; this one has been due for two
    Job waited = job("late-4", "report", h.now() - 120_000, null).build();
    Job fresh = job("fresh", "report", h.now() - 30_000, null).build();

    // when
    validated.pipeInput(waited.getId(), waited);
    validated.pipeInput(fresh.getId(), fresh);

    // then
    assertThat(results.readKeyValuesToMap()).containsOnlyKeys("late-4");
    assertThat(scheduled.readValuesToList()).extracting(Job::getId).containsExactly("fresh");
  }

  @Test
  void expiresAtOfAJsonRequestReachesTheJob() {
    // given
    Instant expiresAt = Instant.ofEpochMilli(h.now()).plusSeconds(3600);
    var intake = h.input(h.topics.intake());

    // when
    intake.pipeInput(
        "j".getBytes(),
        ("{\"type\":\"echo\",\"tenant\":\"demo\",\"expiresAt\":\"" + expiresAt + "\"}").getBytes());

    // then
    assertThat(scheduled.readValue().getExpiresAt()).isEqualTo(expiresAt);
  }

  private static Job.Builder job(String id, String type, long dueAt, Long expiresAt) {
    return Job.newBuilder(QueueingTopologyTest.job(id, "default", id, dueAt, 1))
        .setType(type)
        .setExpiresAt(expiresAt == null ? null : Instant.ofEpochMilli(expiresAt));
  }
}

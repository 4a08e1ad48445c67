package dev.runex.topology.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.topology.TopologyHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancelTopologyTest {
  private static final Duration PUNCTUATE = Duration.ofMillis(200);

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, Job> validated;
  private TestInputTopic<String, Job> retry;
  private TestInputTopic<String, ControlCommand> control;
  private TestOutputTopic<String, Job> scheduled;
  private TestOutputTopic<String, JobResult> results;
  private TestOutputTopic<String, JobEvent> events;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    validated = h.input(h.topics.validated());
    retry = h.input(h.topics.retry());
    control = h.input(h.topics.control());
    scheduled = h.output(h.topics.scheduled("default"));
    results = h.output(h.topics.results());
    events = h.output(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void cancelledDelayedJobGetsOneCancelledResultAtTheNextPunctuationAndIsNeverScheduled() {
    // given
    Job job = job("d-1", h.now() + 60_000);
    validated.pipeInput(job.getId(), job);
    events.readValuesToList();

    // when
    cancel("d-1");
    h.advance(PUNCTUATE);
    h.advance(Duration.ofMinutes(2));

    // then
    List<JobResult> out = results.readValuesToList();
    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getId()).isEqualTo("d-1");
              assertThat(r.getStatus()).isEqualTo(JobStatus.CANCELLED);
              assertThat(r.getError().getCode()).isEqualTo(ReasonCode.CANCELLED.code());
              assertThat(r.getError().getMessage()).contains("ops").contains("not needed");
            });
    assertThat(scheduled.isEmpty()).isTrue();
    assertThat(events.readValuesToList())
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.CANCELLED);
    assertThat(
            h.driver
                .getKeyValueStore(dev.runex.topology.queueing.DelayIndex.STORE)
                .approximateNumEntries())
        .isZero();
  }

  @Test
  void retryOfACancelledJobIsCancelledOnArrivalInsteadOfScheduled() {
    // given
    cancel("r-1");

    // when: its next attempt arrives, due now
    retry.pipeInput("r-1", job("r-1", h.now()));

    // then
    assertThat(results.readValuesToList())
        .extracting(JobResult::getStatus)
        .containsExactly(JobStatus.CANCELLED);
    assertThat(scheduled.isEmpty()).isTrue();
  }

  @Test
  void cancelForAJobAlreadyReleasedProducesNothingInTheTopology() {
    // given
    validated.pipeInput("s-1", job("s-1", h.now()));
    assertThat(scheduled.readValuesToList()).hasSize(1);

    // when
    cancel("s-1");
    h.advance(PUNCTUATE);

    // then: it is the worker's job now
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void otherJobsAndResumedTargetsAreUnaffected() {
    // given
    control.pipeInput(
        ControlTargets.tenant("demo"),
        ControlTargets.command(
            ControlTargets.tenant("demo"),
            ControlAction.PAUSE,
            "ops",
            null,
            Instant.ofEpochMilli(h.now())));
    cancel("other");

    // when
    validated.pipeInput("k-1", job("k-1", h.now() + 1_000));
    h.advance(Duration.ofSeconds(2));

    // then: a tenant pause is the workers' business; the topology still schedules
    assertThat(scheduled.readValuesToList()).extracting(Job::getId).containsExactly("k-1");
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void cancelsOlderThanTheRetentionAreDeletedFromTheControlTopicAndNewerOnesKept() {
    // given: one cancel from 8 days ago (retention: 7 days), one from now, and a tenant pause
    TestOutputTopic<String, ControlCommand> controlOut = h.output(h.topics.control());
    String old = ControlTargets.job("old-job");
    control.pipeInput(
        old,
        ControlTargets.command(
            old,
            ControlAction.CANCEL,
            "ops",
            "long ago",
            Instant.ofEpochMilli(h.now()).minus(Duration.ofDays(8))));
    cancel("recent-job");
    String tenant = "tenant:demo";
    control.pipeInput(
        tenant,
        ControlTargets.command(
            tenant,
            ControlAction.PAUSE,
            "ops",
            "maintenance",
            Instant.ofEpochMilli(h.now()).minus(Duration.ofDays(30))));

    // when
    h.advance(PUNCTUATE);

    // then: a tombstone for the old cancel only
    List<org.apache.kafka.streams.test.TestRecord<String, ControlCommand>> out =
        controlOut.readRecordsToList();
    assertThat(out)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(old);
              assertThat(r.value()).isNull();
            });
    // and the sweep runs hourly, not every punctuation
    cancel("another-recent-job");
    h.advance(PUNCTUATE);
    assertThat(controlOut.isEmpty()).isTrue();
  }

  private void cancel(String jobId) {
    String target = ControlTargets.job(jobId);
    control.pipeInput(
        target,
        ControlTargets.command(
            target, ControlAction.CANCEL, "ops", "not needed", Instant.ofEpochMilli(h.now())));
  }

  private static Job job(String id, long dueAt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setPool("default")
        .setParams(Map.of("message", "hi"))
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(dueAt - 60_000))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}

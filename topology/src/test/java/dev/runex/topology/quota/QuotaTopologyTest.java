package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Feedback;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ScheduledRunFinished;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.feedback.FeedbackRecords;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.TopologyHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quota gate on the real topology: in-flight and rate quotas, per tenant and per type. */
class QuotaTopologyTest {
  private static final Duration PUNCTUATE = Duration.ofMillis(100);

  /** What retries of admitted jobs carry (the job's labels). */
  private static final Map<String, String> ADMITTED =
      Map.of(ReleaseNotice.ADMITTED_LABEL, "admitted");

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, Job> validated;
  private TestInputTopic<String, Job> retry;
  private TestInputTopic<String, Feedback> feedback;
  private TestInputTopic<String, byte[]> rawFeedback;
  private TestOutputTopic<String, Job> scheduled;
  private TestOutputTopic<String, Job> scheduledGpu;
  private TestOutputTopic<String, Job> admission;
  private TestOutputTopic<String, JobResult> results;
  private TestOutputTopic<String, JobEvent> events;

  private void start(String quotas) {
    h = TopologyHarness.of(stateDir, TestConfigs.withYaml(quotas));
    validated = h.input(h.topics.validated());
    retry = h.input(h.topics.retry());
    feedback = h.input(h.topics.feedback());
    rawFeedback =
        h.input(new Topic<>(h.topics.feedback().name(), Serdes.String(), Serdes.ByteArray()));
    scheduled = h.output(h.topics.scheduled("default"));
    scheduledGpu = h.output(h.topics.scheduled("gpu"));
    admission = h.output(h.topics.admission());
    results = h.output(h.topics.results());
    events = h.output(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aDelayedJobGatedByAQuotaLeavesTheDelayIndexWhenDueNotAheadOfItsDueTime() {
    // given: a quota on tenant demo; a job of demo and one of an ungated tenant, both due in 10 s
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 2}
        """);
    long due = h.now() + 10_000;
    submit(job("gated", "echo").setDueAt(Instant.ofEpochMilli(due)));
    submit(job("free", "echo").setTenant("other").setDueAt(Instant.ofEpochMilli(due)));

    // when: a millisecond before they are due
    h.advance(Duration.ofMillis(9_999));

    // then: the ungated one went to its pool ahead of its due time, its worker holds it till then;
    // the gated one waits: released now it would take a quota slot it may not use yet
    assertThat(ids(scheduled.readValuesToList())).containsExactly("free");
    assertThat(admission.isEmpty()).isTrue();

    // when: it is due
    h.advance(PUNCTUATE);

    // then
    assertThat(ids(scheduled.readValuesToList())).containsExactly("gated");
  }

  @Test
  void tenantMaxInFlightHoldsTheRestInOrderAndEachFinishedJobLetsTheNextOneIn() {
    // given
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 2}
        """);

    // when
    for (int i = 1; i <= 5; i++) {
      submit(job("j" + i, "echo"));
    }

    // then
    List<Job> admitted = scheduled.readValuesToList();
    assertThat(ids(admitted)).containsExactly("j1", "j2");
    assertThat(admitted)
        .allSatisfy(j -> assertThat(ReleaseNotice.admitted(j.getLabels())).isTrue());
    List<JobEvent> throttled =
        events.readValuesToList().stream()
            .filter(e -> e.getKind() == JobEventKind.THROTTLED)
            .toList();
    assertThat(throttled).extracting(JobEvent::getJobId).containsExactly("j3", "j4", "j5");
    assertThat(throttled.get(0).getDetail()).contains("demo").contains("maxInFlight");
    assertThat(h.counter(RunexMeters.QUOTA_THROTTLED.meterName(), "tenant", "demo", "type", "echo"))
        .isEqualTo(3);

    // when: j1 finishes
    finish("j1", "echo");
    // then
    assertThat(ids(scheduled.readValuesToList())).containsExactly("j3");

    // when: j2 fails and is retried (the retry waits in the delay index; its slot is handed back)
    retried(retryOf("j2", "echo", h.now() + 60_000), true);
    // then
    assertThat(ids(scheduled.readValuesToList())).containsExactly("j4");

    // when: the retry falls due while j3 and j4 hold both slots
    h.advance(Duration.ofSeconds(61));
    // then: it waits behind j5, which came first
    assertThat(scheduled.isEmpty()).isTrue();
    finish("j3", "echo");
    finish("j4", "echo");
    assertThat(scheduled.readValuesToList())
        .extracting(Job::getId, Job::getAttempt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("j5", 1),
            org.assertj.core.groups.Tuple.tuple("j2", 2));
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void aResultForAJobTheGateDidNotAdmitFreesNothing() {
    // given
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 1}
        """);
    submit(job("a", "echo"));
    submit(job("b", "echo"));
    assertThat(ids(scheduled.readValuesToList())).containsExactly("a");

    // when: a stray result (rejected at intake, never admitted) and a second result for "a"
    finish("never-admitted", "echo");
    finish("a", "echo");
    finish("a", "echo");
    submit(job("c", "echo"));

    // then: "a" freed exactly one slot, taken by "b"; "c" waits
    assertThat(ids(scheduled.readValuesToList())).containsExactly("b");
  }

  @Test
  void aTypeAtItsLimitDoesNotHoldUpTheTenantsOtherTypes() {
    // given
    start(
        """
          quotas:
            tenants:
              demo:
                jobTypes:
                  report: {maxInFlight: 1}
        """);

    // when
    submit(job("r1", "report"));
    submit(job("r2", "report"));
    submit(job("e1", "echo"));
    submit(job("r3", "report"));
    submit(job("e2", "echo"));

    // then
    assertThat(ids(scheduled.readValuesToList())).containsExactly("r1", "e1", "e2");
    finish("r1", "report");
    assertThat(ids(scheduled.readValuesToList())).containsExactly("r2");
  }

  @Test
  void tenantsWithoutQuotasNeverPassTheGate() {
    // given
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 1}
        """);

    // when
    Job resize = job("x1", "resize").setTenant("acme").setPool("gpu").build();
    validated.pipeInput(resize.getId(), resize);
    validated.pipeInput("x2", Job.newBuilder(resize).setId("x2").setPartitionKey("x2").build());

    // then
    assertThat(ids(scheduledGpu.readValuesToList())).containsExactly("x1", "x2");
    assertThat(admission.isEmpty()).isTrue();
  }

  @Test
  void tokenBucketAdmitsTheBurstThenTheRate() {
    // given: 2 per second, bursts of 3
    start(
        """
          quotas:
            tenants:
              demo: {rate: 2, burst: 3}
        """);

    // when
    for (int i = 1; i <= 8; i++) {
      submit(job("t" + i, "echo"));
    }

    // then
    assertThat(scheduled.readValuesToList()).hasSize(3);
    h.advance(Duration.ofMillis(500));
    assertThat(ids(scheduled.readValuesToList())).containsExactly("t4");
    h.advance(Duration.ofMillis(1000));
    assertThat(ids(scheduled.readValuesToList())).containsExactly("t5", "t6");
    h.advance(Duration.ofSeconds(10));
    assertThat(ids(scheduled.readValuesToList())).containsExactly("t7", "t8");
    // a long quiet spell refills the bucket only up to its burst
    h.advance(Duration.ofMinutes(1));
    for (int i = 9; i <= 13; i++) {
      submit(job("t" + i, "echo"));
    }
    assertThat(scheduled.readValuesToList()).hasSize(3);
  }

  @Test
  void waitingJobsOfHigherPriorityGoFirst() {
    // given
    start(
        """
          quotas:
            tenants:
              acme: {maxInFlight: 1}
        """);
    validated.pipeInput("busy", gpu("busy", JobPriority.NORMAL));
    validated.pipeInput("low", gpu("low", JobPriority.LOW));
    validated.pipeInput("normal", gpu("normal", JobPriority.NORMAL));
    validated.pipeInput("high", gpu("high", JobPriority.HIGH));
    assertThat(scheduledIds()).containsExactly("busy");

    // when / then
    finish("busy", "resize", "acme");
    assertThat(scheduledIds()).containsExactly("high");
    finish("high", "resize", "acme");
    assertThat(scheduledIds()).containsExactly("normal");
    finish("normal", "resize", "acme");
    assertThat(scheduledIds()).containsExactly("low");
  }

  /** Jobs scheduled since the last call, in order, whatever their priority topic. */
  private List<String> scheduledIds() {
    return events.readValuesToList().stream()
        .filter(e -> e.getKind() == JobEventKind.SCHEDULED)
        .map(JobEvent::getJobId)
        .toList();
  }

  @Test
  void aJobCancelledWhileWaitingForQuotaGetsOneCancelledResultAndNeverRuns() {
    // given: w2, which a schedule fired, waits behind w1
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 1}
        """);
    TestOutputTopic<String, Feedback> written = h.output(h.topics.feedback());
    submit(job("w1", "echo"));
    submit(job("w2", "echo").setLabels(Map.of(FeedbackRecords.SCHEDULE_LABEL, "nightly")));
    submit(job("w3", "echo"));
    scheduled.readValuesToList();

    // when
    h.input(h.topics.control())
        .pipeInput(
            ControlTargets.job("w2"),
            ControlCommand.newBuilder()
                .setTarget(ControlTargets.job("w2"))
                .setAction(ControlAction.CANCEL)
                .setReason("not needed")
                .setTime(Instant.ofEpochMilli(h.now()))
                .build());
    h.advance(PUNCTUATE);
    finish("w1", "echo");

    // then
    assertThat(ids(scheduled.readValuesToList())).containsExactly("w3");
    assertThat(results.readValuesToList())
        .filteredOn(r -> r.getStatus() == JobStatus.CANCELLED)
        .extracting(JobResult::getId)
        .containsExactly("w2");
    // the gate ended a scheduled job: it tells the schedule on feedback, keyed by its name
    assertThat(written.readKeyValuesToList())
        .singleElement()
        .satisfies(
            kv -> {
              assertThat(kv.key).isEqualTo("nightly");
              assertThat(kv.value.getJobId()).isEqualTo("w2");
              assertThat(((ScheduledRunFinished) kv.value.getBody()).getStatus())
                  .isEqualTo(JobStatus.CANCELLED);
            });
  }

  @Test
  void aJobWhoseDeadlinePassesWhileWaitingEndsExpiredWithoutUsingASlot() {
    // given: report jobs may wait one minute (maxQueueTime)
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 1}
        """);
    submit(job("first", "echo"));
    submit(job("late", "report"));
    submit(job("next", "echo"));
    scheduled.readValuesToList();

    // when
    h.advance(Duration.ofMinutes(2));
    finish("first", "echo");

    // then
    assertThat(results.readValuesToList())
        .filteredOn(r -> r.getStatus() == JobStatus.EXPIRED)
        .extracting(JobResult::getId)
        .containsExactly("late");
    assertThat(ids(scheduled.readValuesToList())).containsExactly("next");
  }

  @Test
  void aRetryDueAtOnceThatOvertakesItsReleaseNoticeKeepsOneSlot() {
    // given
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 1}
        """);
    submit(job("r", "echo"));
    submit(job("other", "echo"));
    assertThat(ids(scheduled.readValuesToList())).containsExactly("r");

    // when: r's retry is due now, so it reaches the gate before the notice that attempt 1 ended
    retried(retryOf("r", "echo", h.now()), false);

    // then: attempt 1's slot goes to "other", which waited longer; the retry waits
    assertThat(scheduled.readValuesToList())
        .extracting(Job::getId, Job::getAttempt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("other", 1));
    finish("other", "echo");
    assertThat(scheduled.readValuesToList())
        .extracting(Job::getId, Job::getAttempt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("r", 2));
  }

  @Test
  void unreadableFeedbackIsSkippedAndTheNextReleaseStillFreesItsSlot() {
    // given: one slot, taken by "a"; "b" waits
    start(
        """
          quotas:
            tenants:
              demo: {maxInFlight: 1}
        """);
    submit(job("a", "echo"));
    submit(job("b", "echo"));
    assertThat(ids(scheduled.readValuesToList())).containsExactly("a");

    // when: records on feedback that are not Avro, name a schema id the registry does not know,
    // or have no value; then the worker's release of "a"
    rawFeedback.pipeInput("demo", "a\u0000*".getBytes(StandardCharsets.UTF_8));
    rawFeedback.pipeInput("demo", new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 'a'});
    rawFeedback.pipeInput("demo", (byte[]) null);
    finish("a", "echo");

    // then: the stream thread kept running and the release after them freed the slot
    assertThat(ids(scheduled.readValuesToList())).containsExactly("b");
  }

  private void submit(Job job) {
    validated.pipeInput(job.getId(), job);
  }

  private void finish(String id, String type) {
    finish(id, type, "demo");
  }

  /** What the worker writes when an admitted job ends with a result. */
  private void finish(String id, String type, String tenant) {
    release(ReleaseNotice.finished(id), tenant);
  }

  /**
   * What the worker writes when an admitted job's attempt fails and is retried: notice and retry.
   */
  private void retried(Job retryJob, boolean noticeFirst) {
    if (noticeFirst) {
      release(ReleaseNotice.retried(retryJob), retryJob.getTenant());
      retry.pipeInput(retryJob.getId(), retryJob);
    } else {
      retry.pipeInput(retryJob.getId(), retryJob);
      release(ReleaseNotice.retried(retryJob), retryJob.getTenant());
    }
  }

  /** The quota release a worker writes on {@code feedback}, keyed as it keys it. */
  private void release(ReleaseNotice notice, String tenant) {
    Feedback f = notice.toFeedback(tenant, h.now());
    feedback.pipeInput(FeedbackRecords.key(f), f);
  }

  private Job.Builder job(String id, String type) {
    return Job.newBuilder()
        .setId(id)
        .setType(type)
        .setTenant("demo")
        .setPool("default")
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(h.now()))
        .setDueAt(Instant.ofEpochMilli(h.now()));
  }

  private void submit(Job.Builder job) {
    submit(job.build());
  }

  private Job gpu(String id, JobPriority priority) {
    return job(id, "resize").setTenant("acme").setPool("gpu").setPriority(priority).build();
  }

  private Job retryOf(String id, String type, long dueAt) {
    return job(id, type)
        .setAttempt(2)
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .setLabels(ADMITTED)
        .build();
  }

  private static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::getId).toList();
  }
}

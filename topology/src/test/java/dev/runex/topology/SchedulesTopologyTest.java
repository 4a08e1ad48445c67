package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Feedback;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import dev.runex.schemas.ScheduleState;
import dev.runex.schemas.ScheduledRunFinished;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.feedback.FeedbackRecords;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.cron.ScheduleFirer;
import dev.runex.topology.queueing.TimeOrderedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recurring schedules through the real topology: definitions in, firings out through intake. */
class SchedulesTopologyTest {
  private static final Instant T0 = TopologyHarness.START; // 2026-03-01T10:00:00Z

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, Schedule> schedules;
  private TestInputTopic<String, Feedback> feedback;
  private TestOutputTopic<String, Job> validated;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    schedules = h.input(h.topics.schedules());
    feedback = h.input(h.topics.feedback());
    validated = h.output(h.topics.validated());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void aScheduleFiresJobsWithDeterministicIdsAtItsCronTimes() {
    // given
    schedules.pipeInput("every5", schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST));

    // when
    h.advance(Duration.ofMinutes(4));
    assertThat(validated.isEmpty()).as("nothing before 10:05").isTrue();
    h.advance(Duration.ofMinutes(1));
    h.advance(Duration.ofMinutes(5));

    // then: each firing went through intake and validation as a job
    List<Job> jobs = validated.readValuesToList();
    assertThat(jobs)
        .extracting(Job::getId)
        .containsExactly("every5@2026-03-01T10:05:00Z", "every5@2026-03-01T10:10:00Z");
    assertThat(jobs.get(0).getLabels())
        .containsEntry("runex.schedule", "every5")
        .containsEntry("team", "ops");
    assertThat(jobs.get(0).getParams()).containsEntry("message", "tick");
    assertThat(h.counter(RunexMeters.SCHEDULE_FIRINGS.meterName(), "outcome", "fired"))
        .isEqualTo(2.0);
  }

  @Test
  void aFiringIsSubmittedWithinTheLeadAheadOfItsTimeAndItsJobReachesItsPoolDueAtIt() {
    // given: the default lead, runex.topology.releaseAhead = 1 s
    TestOutputTopic<String, Job> pool = h.output(h.topics.scheduled("default"));
    schedules.pipeInput("every5", schedule(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST));

    // when: 10:04:58.5, then 10:04:59.1
    h.advance(Duration.ofMinutes(5).minusMillis(1_500));
    assertThat(validated.isEmpty()).as("nothing more than the lead ahead").isTrue();
    h.advance(Duration.ofMillis(600));

    // then: the 10:05 firing went through intake and on to its pool, due at its fire time
    Instant fireAt = T0.plus(Duration.ofMinutes(5));
    assertThat(validated.readValuesToList())
        .extracting(Job::getId, Job::getDueAt)
        .containsExactly(tuple("every5@2026-03-01T10:05:00Z", fireAt));
    assertThat(pool.readValuesToList())
        .extracting(Job::getId, Job::getDueAt)
        .containsExactly(tuple("every5@2026-03-01T10:05:00Z", fireAt));
    // and nothing more when it is due
    h.advance(Duration.ofSeconds(1));
    assertThat(validated.isEmpty()).isTrue();
    assertThat(h.counter(RunexMeters.SCHEDULE_FIRINGS.meterName(), "outcome", "fired"))
        .isEqualTo(1.0);
  }

  @Test
  void whileThePreviousRunGoesOnAFiringWaitsForItsTimeUnlessTheRunEndsBefore() {
    // given: the 10:05 job runs
    schedules.pipeInput("every5", schedule(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST));
    h.advance(Duration.ofMinutes(5));
    assertThat(validated.readValuesToList()).hasSize(1);

    // when: 10:09:59.5, within the lead of 10:10, while it runs
    h.advance(Duration.ofMinutes(5).minusMillis(500));

    // then: 10:10 is not fired ahead: the run may end before it
    assertThat(validated.isEmpty()).isTrue();

    // when: the run ends at 10:09:59.6
    h.advance(Duration.ofMillis(100));
    finished(result("every5@2026-03-01T10:05:00Z", "every5"));
    h.advance(Duration.ofMillis(100));

    // then: 10:10 fires, still ahead of its time
    assertThat(validated.readValuesToList())
        .extracting(Job::getId, Job::getDueAt)
        .containsExactly(tuple("every5@2026-03-01T10:10:00Z", T0.plus(Duration.ofMinutes(10))));
    assertThat(h.now()).isLessThan(T0.plus(Duration.ofMinutes(10)).toEpochMilli());
    assertThat(h.counter(RunexMeters.SCHEDULE_FIRINGS.meterName(), "outcome", "skipped")).isZero();
  }

  @Test
  void aPausedScheduleSkipsItsFiringsUntilResumed() {
    // given
    schedules.pipeInput("every5", schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.ALL));
    TestInputTopic<String, ControlCommand> control = h.input(h.topics.control());
    control.pipeInput(
        ControlTargets.schedule("every5"),
        ControlTargets.command(
            ControlTargets.schedule("every5"), ControlAction.PAUSE, "ops", "maintenance", T0));

    // when: 10:05 and 10:10 pass while paused, then it is resumed before 10:15
    h.advance(Duration.ofMinutes(10));
    assertThat(validated.isEmpty()).as("nothing fires while paused").isTrue();
    control.pipeInput(
        ControlTargets.schedule("every5"),
        ControlTargets.command(
            ControlTargets.schedule("every5"), ControlAction.RESUME, "ops", null, T0));
    h.advance(Duration.ofMinutes(5));

    // then: the skipped firings are not caught up; the next one fires
    assertThat(validated.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("every5@2026-03-01T10:15:00Z");
    assertThat(h.counter(RunexMeters.SCHEDULE_FIRINGS.meterName(), "outcome", "skipped"))
        .isEqualTo(2.0);
  }

  @Test
  void skipOverlapWaitsForTheRunningJobsResult() {
    // given: the 10:05 job runs
    schedules.pipeInput("every5", schedule(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST));
    h.advance(Duration.ofMinutes(5));
    assertThat(validated.readValuesToList()).hasSize(1);

    // when: 10:10 comes while it runs; then its result arrives before 10:15
    h.advance(Duration.ofMinutes(5));
    finished(result("every5@2026-03-01T10:05:00Z", "every5"));
    h.advance(Duration.ofMinutes(5));

    // then
    assertThat(validated.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("every5@2026-03-01T10:15:00Z");
    assertThat(h.counter(RunexMeters.SCHEDULE_FIRINGS.meterName(), "outcome", "skipped"))
        .isEqualTo(1.0);
  }

  @Test
  void bufferOverlapFiresTheHeldFiringWhenTheRunningJobFinishes() {
    // given
    schedules.pipeInput("every5", schedule(ScheduleOverlap.BUFFER, ScheduleCatchUp.LAST));
    h.advance(Duration.ofMinutes(5));
    validated.readValuesToList();
    h.advance(Duration.ofMinutes(5));
    assertThat(validated.isEmpty()).as("10:10 is held").isTrue();

    // when
    finished(result("every5@2026-03-01T10:05:00Z", "every5"));

    // then
    assertThat(validated.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("every5@2026-03-01T10:10:00Z");
  }

  @Test
  void aFiringTheTopologyRejectsFinishesTheRunWithoutAWorker() {
    // given: a buffering schedule whose job type does not exist, so intake rejects each firing
    Schedule unknownType = schedule(ScheduleOverlap.BUFFER, ScheduleCatchUp.LAST);
    unknownType.getJob().setType("no-such-type");
    schedules.pipeInput("every5", unknownType);
    TestOutputTopic<String, JobResult> results = h.output(h.topics.results());
    TestOutputTopic<String, Feedback> written = h.output(h.topics.feedback());

    // when
    h.advance(Duration.ofMinutes(5));
    h.advance(Duration.ofMinutes(5));

    // then: intake's REJECTED result told the schedule on feedback, so 10:10 was not held
    assertThat(results.readValuesToList())
        .extracting(JobResult::getId, JobResult::getStatus)
        .containsExactly(
            tuple("every5@2026-03-01T10:05:00Z", JobStatus.REJECTED),
            tuple("every5@2026-03-01T10:10:00Z", JobStatus.REJECTED));
    assertThat(written.readKeyValuesToList())
        .extracting(kv -> kv.key, kv -> ((ScheduledRunFinished) kv.value.getBody()).getStatus())
        .containsExactly(tuple("every5", JobStatus.REJECTED), tuple("every5", JobStatus.REJECTED));
  }

  @Test
  void unreadableFeedbackIsSkippedAndALaterFinishedRunStillReleasesTheHeldFiring() {
    // given: the 10:05 job runs and 10:10 is held
    schedules.pipeInput("every5", schedule(ScheduleOverlap.BUFFER, ScheduleCatchUp.LAST));
    h.advance(Duration.ofMinutes(10));
    assertThat(validated.readValuesToList()).hasSize(1);
    TestInputTopic<String, byte[]> raw =
        h.input(new Topic<>(h.topics.feedback().name(), Serdes.String(), Serdes.ByteArray()));

    // when: a record that is not Avro, one with an unknown schema id, then the real one
    raw.pipeInput("every5", "every5@2026-03-01T10:05:00Z".getBytes(StandardCharsets.UTF_8));
    raw.pipeInput("every5", new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 'a'});
    finished(result("every5@2026-03-01T10:05:00Z", "every5"));

    // then
    assertThat(validated.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("every5@2026-03-01T10:10:00Z");
  }

  @Test
  void firingsMissedWhileDownCatchUpOnceWithPolicyLast() {
    // given: state as a restart restores it, last handled before an outage of 22 minutes
    schedules.pipeInput("every5", schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST));
    ScheduleState state = states().get("every5");
    Instant missedSince = T0.minus(Duration.ofMinutes(20));
    KeyValueStore<String, String> due = h.driver.getKeyValueStore(ScheduleFirer.DUE);
    due.delete(TimeOrderedKeys.of(state.getNextFireAt().toEpochMilli(), "every5"));
    state.setNextFireAt(missedSince);
    states().put("every5", state);
    due.put(TimeOrderedKeys.of(missedSince.toEpochMilli(), "every5"), "every5");

    // when
    h.advance(Duration.ofSeconds(1));

    // then: 09:40 .. 10:00 are five firings; 10:00 is on time, the latest missed is 09:55
    assertThat(validated.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("every5@2026-03-01T09:55:00Z", "every5@2026-03-01T10:00:00Z");
    assertThat(states().get("every5").getSkipped()).isEqualTo(3);
  }

  @Test
  void aTombstoneDeletesTheSchedule() {
    // given
    schedules.pipeInput("every5", schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST));

    // when
    schedules.pipeInput("every5", (Schedule) null);
    h.advance(Duration.ofMinutes(10));

    // then
    assertThat(validated.isEmpty()).isTrue();
    assertThat(states().get("every5")).isNull();
    assertThat(h.driver.getKeyValueStore(ScheduleFirer.DUE).approximateNumEntries()).isZero();
  }

  @Test
  void changingTheJobKeepsTheNextFiringAndChangingTheCronMovesIt() {
    // given
    schedules.pipeInput("every5", schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST));
    Instant next = states().get("every5").getNextFireAt();

    // when / then
    Schedule otherJob = schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST);
    otherJob.getJob().setParams(Map.of("message", "changed"));
    schedules.pipeInput("every5", otherJob);
    assertThat(states().get("every5").getNextFireAt()).isEqualTo(next);
    assertThat(states().get("every5").getSchedule().getJob().getParams())
        .containsEntry("message", "changed");

    Schedule hourly = schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST);
    hourly.setCron("0 0 * * * *");
    schedules.pipeInput("every5", hourly);
    assertThat(states().get("every5").getNextFireAt())
        .isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
  }

  @Test
  void anInvalidDefinitionIsIgnoredAndTheTopologyGoesOn() {
    // given
    Schedule broken = schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST);
    broken.setCron("61 * * * *");
    TestInputTopic<String, byte[]> raw =
        h.driver.createInputTopic(
            h.topics.schedules().name(),
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer());

    // when
    schedules.pipeInput("broken", broken);
    raw.pipeInput("garbage", "not a schedule".getBytes(StandardCharsets.UTF_8));
    raw.pipeInput(
        "json",
        ("{\"name\":\"json\",\"cron\":\"0 */5 * * * *\",\"job\":{\"type\":\"echo\","
                + "\"tenant\":\"demo\"}}")
            .getBytes(StandardCharsets.UTF_8));
    h.advance(Duration.ofMinutes(5));

    // then
    assertThat(states().get("broken")).isNull();
    assertThat(states().get("garbage")).isNull();
    assertThat(validated.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("json@2026-03-01T10:05:00Z");
  }

  @Test
  void scheduleStateIsChangelogged() {
    schedules.pipeInput("every5", schedule(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST));

    String app = h.cfg.string(dev.runex.config.Settings.TOPOLOGY_APPLICATION_ID);
    assertThat(h.driver.producedTopicNames())
        .contains(
            app + "-schedule-state-changelog",
            app + "-schedule-due-changelog",
            app + "-schedules-by-name-repartition");
  }

  private KeyValueStore<String, ScheduleState> states() {
    return h.driver.getKeyValueStore(ScheduleFirer.STATE);
  }

  private static Schedule schedule(ScheduleOverlap overlap, ScheduleCatchUp catchUp) {
    JobRequest job =
        JobRequest.newBuilder()
            .setType("echo")
            .setTenant("demo")
            .setParams(Map.of("message", "tick"))
            .setLabels(Map.of("team", "ops"))
            .build();
    return Schedule.newBuilder()
        .setName("every5")
        .setCron("0 */5 * * * *")
        .setZone("UTC")
        .setJob(job)
        .setOverlap(overlap)
        .setCatchUp(catchUp)
        .build();
  }

  /** What the writer of a scheduled job's final result puts on {@code feedback}. */
  private void finished(JobResult result) {
    Feedback f = FeedbackRecords.runFinished(result, h.now());
    feedback.pipeInput(FeedbackRecords.key(f), f);
  }

  private JobResult result(String jobId, String schedule) {
    return JobResult.newBuilder()
        .setId(jobId)
        .setType("echo")
        .setTenant("demo")
        .setStatus(JobStatus.SUCCEEDED)
        .setAttempts(1)
        .setFinishedAt(Instant.ofEpochMilli(h.now()))
        .setLabels(Map.of("runex.schedule", schedule))
        .build();
  }
}

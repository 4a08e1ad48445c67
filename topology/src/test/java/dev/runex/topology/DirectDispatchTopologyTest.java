package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.lifecycle.TraceParents;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.intake.IntakeSubtopology;
import dev.runex.topology.intake.dedupe.IdempotencyKey;
import dev.runex.topology.queueing.DelayIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A valid job due now, without quota or idempotency key, goes from {@code intake} to its pool in
 * intake's own task (no {@code validated} record) with everything the queueing path did for it:
 * cancel check, expiry check, dispatch, the same events. Jobs that need another task still take
 * their hop.
 */
class DirectDispatchTopologyTest {
  private static final String TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final String ECHO = "\"type\":\"echo\",\"tenant\":\"demo\"";

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<byte[], byte[]> intake;
  private TestOutputTopic<String, Job> validated;
  private TestOutputTopic<String, Job> scheduled;
  private TestOutputTopic<String, JobResult> results;
  private TestOutputTopic<String, JobEvent> events;

  private void start(TopologyHarness harness) {
    h = harness;
    intake = h.input(h.topics.intake());
    validated = h.output(h.topics.validated());
    scheduled = h.output(h.topics.scheduled("default"));
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
  void aJobDueNowReachesItsPoolFromIntakeWithoutAValidatedRecord() {
    // given
    start(new TopologyHarness(stateDir));

    // when
    submit("now-1", "{" + ECHO + ",\"partitionKey\":\"customer-7\"}", TRACE);

    // then
    assertThat(validated.isEmpty()).as("no validated through-topic").isTrue();
    TestRecord<String, Job> out = scheduled.readRecord();
    assertThat(out.key()).isEqualTo("customer-7");
    assertThat(out.value().getId()).isEqualTo("now-1");
    assertThat(out.value().getTraceParent()).isEqualTo(TRACE);
    assertThat(out.headers().lastHeader(TraceParents.HEADER).value())
        .isEqualTo(TRACE.getBytes(StandardCharsets.UTF_8));
    assertThat(scheduled.isEmpty()).isTrue();
    List<JobEvent> records = events.readValuesToList();
    assertThat(records).as("one lifecycle record for the one transaction").hasSize(1);
    assertThat(records.get(0).getKind()).isEqualTo(JobEventKind.SCHEDULED);
    List<JobEvent> ev = transitions(records);
    assertThat(ev)
        .extracting(JobEvent::getKind, JobEvent::getStage)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(JobEventKind.RECEIVED, "intake"),
            org.assertj.core.groups.Tuple.tuple(JobEventKind.VALIDATED, "validation"),
            org.assertj.core.groups.Tuple.tuple(JobEventKind.SCHEDULED, "scheduling"));
    assertThat(ev.get(2).getDetail()).isEqualTo(h.topics.scheduled("default").name());
    assertThat(ev).allSatisfy(e -> assertThat(e.getWorkerId()).isEqualTo(TopologyHarness.INSTANCE));
    assertThat(h.counter(RunexMeters.SCHEDULED.meterName(), "pool", "default", "type", "echo"))
        .isEqualTo(1.0);
    assertThat(h.driver.getKeyValueStore(DelayIndex.STORE).approximateNumEntries()).isZero();
  }

  @Test
  void theDirectPathWritesTheScheduledRecordAndEventTheQueueingPathWrites() {
    // given: a job scheduled on the direct path
    start(new TopologyHarness(stateDir));
    submit("same-1", "{" + ECHO + "}", TRACE);
    assertThat(validated.isEmpty()).isTrue();
    TestRecord<String, Job> direct = scheduled.readRecord();
    JobEvent directEvent = last(transitions(events.readValuesToList()));

    // when: the same job takes the old way, through validated and the queueing task
    h.input(h.topics.validated()).pipeInput("same-1", direct.value(), direct.timestamp());

    // then: byte for byte the same records
    TestRecord<String, Job> queued = scheduled.readRecord();
    assertThat(queued.key()).isEqualTo(direct.key());
    assertThat(queued.value()).isEqualTo(direct.value());
    assertThat(queued.headers()).isEqualTo(direct.headers());
    List<JobEvent> queuedEvents = events.readValuesToList();
    assertThat(queuedEvents).singleElement().isEqualTo(directEvent);
  }

  @Test
  void aDelayedJobStillWaitsInTheDelayIndexBehindValidated() {
    // given
    start(new TopologyHarness(stateDir));

    // when
    submit("later-1", "{" + ECHO + ",\"delay\":\"PT10S\"}", null);

    // then
    assertThat(validated.readValuesToList()).extracting(Job::getId).containsExactly("later-1");
    assertThat(scheduled.isEmpty()).isTrue();
    List<JobEvent> records = events.readValuesToList();
    assertThat(records).as("intake's transaction, then the delay index's").hasSize(2);
    assertThat(kinds(transitions(records)))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.DELAYED);

    // when
    h.advance(Duration.ofSeconds(11));

    // then
    assertThat(scheduled.readValuesToList()).extracting(Job::getId).containsExactly("later-1");
    assertThat(kinds(events.readValuesToList())).containsExactly(JobEventKind.SCHEDULED);
  }

  @Test
  void aJobSubmittedLongAgoWithADelayThatHasPassedIsDueNowAndGoesDirect() {
    // given: the delay counts from the submission (the record's timestamp)
    start(new TopologyHarness(stateDir));

    // when
    intake.pipeInput(
        new TestRecord<>(
            utf8("past-1"),
            utf8("{" + ECHO + ",\"delay\":\"PT10S\"}"),
            Instant.ofEpochMilli(h.now() - 60_000)));

    // then
    assertThat(validated.isEmpty()).isTrue();
    assertThat(scheduled.readValuesToList()).extracting(Job::getId).containsExactly("past-1");
  }

  @Test
  void aJobWithAnIdempotencyKeyStillGoesThroughTheDedupeRepartitionAndValidated() {
    // given
    start(
        new TopologyHarness(
            stateDir, java.util.Map.of(Settings.INTAKE_IDEMPOTENCY_WINDOW.key(), "1h")));
    TestOutputTopic<String, Job> repartition =
        h.output(
            new Topic<>(
                h.cfg.string(Settings.TOPOLOGY_APPLICATION_ID)
                    + "-"
                    + IntakeSubtopology.DEDUPE_REPARTITION
                    + "-repartition",
                Serdes.String(),
                h.topics.validated().valueSerde()));

    // when
    submit("keyed-1", "{" + ECHO + ",\"idempotencyKey\":\"order-1\"}", null);

    // then
    assertThat(repartition.readRecord().key())
        .isEqualTo(new IdempotencyKey("demo", "order-1").encoded());
    assertThat(validated.readValuesToList()).extracting(Job::getId).containsExactly("keyed-1");
    assertThat(scheduled.readValuesToList()).extracting(Job::getId).containsExactly("keyed-1");
    List<JobEvent> records = events.readValuesToList();
    assertThat(records).as("the dedupe stage's transaction, then the queueing task's").hasSize(2);
    assertThat(kinds(transitions(records)))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.SCHEDULED);
  }

  @Test
  void aQuotaGatedJobStillGoesThroughValidatedAndAdmission() {
    // given
    start(
        TopologyHarness.of(
            stateDir,
            TestConfigs.withYaml(
                """
                  quotas:
                    tenants:
                      demo: {maxInFlight: 5}
                """)));
    TestOutputTopic<String, Job> admission = h.output(h.topics.admission());

    // when
    submit("gated-1", "{" + ECHO + "}", null);
    submit("free-1", "{\"type\":\"resize\",\"tenant\":\"acme\",\"params\":{\"width\":1}}", null);

    // then: the gated job takes validated and admission (key tenant); the other tenant's goes
    // direct
    assertThat(validated.readValuesToList()).extracting(Job::getId).containsExactly("gated-1");
    TestRecord<String, Job> admitted = admission.readRecord();
    assertThat(admitted.key()).isEqualTo("demo");
    assertThat(admitted.value().getId()).isEqualTo("gated-1");
    assertThat(admission.isEmpty()).isTrue();
    assertThat(scheduled.readValuesToList()).extracting(Job::getId).containsExactly("gated-1");
    assertThat(h.output(h.topics.scheduled("gpu")).readValuesToList())
        .extracting(Job::getId)
        .containsExactly("free-1");
  }

  @Test
  void aJobCancelledBeforeItReachedTheTopologyIsCancelledOnTheDirectPath() {
    // given
    start(new TopologyHarness(stateDir));
    String target = ControlTargets.job("gone-1");
    TestInputTopic<String, ControlCommand> control = h.input(h.topics.control());
    control.pipeInput(
        target,
        ControlTargets.command(
            target, ControlAction.CANCEL, "ops", "not needed", Instant.ofEpochMilli(h.now())));

    // when
    submit("gone-1", "{" + ECHO + "}", null);

    // then
    assertThat(scheduled.isEmpty()).isTrue();
    assertThat(validated.isEmpty()).isTrue();
    assertThat(results.readValuesToList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getId()).isEqualTo("gone-1");
              assertThat(r.getStatus()).isEqualTo(JobStatus.CANCELLED);
              assertThat(r.getError().getCode()).isEqualTo(ReasonCode.CANCELLED.code());
              assertThat(r.getError().getMessage()).contains("ops").contains("not needed");
            });
    List<JobEvent> records = events.readValuesToList();
    assertThat(records).hasSize(1);
    List<JobEvent> ev = transitions(records);
    assertThat(kinds(ev))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.CANCELLED);
    assertThat(ev.get(2).getStage()).isEqualTo("queueing");
  }

  @Test
  void aJobPastItsDeadlineIsExpiredOnTheDirectPath() {
    // given
    start(new TopologyHarness(stateDir));
    Instant deadline = Instant.ofEpochMilli(h.now() - 1_000);

    // when
    submit("late-1", "{" + ECHO + ",\"expiresAt\":\"" + deadline + "\"}", null);

    // then
    assertThat(scheduled.isEmpty()).isTrue();
    assertThat(validated.isEmpty()).isTrue();
    JobResult result = results.readValue();
    assertThat(result.getId()).isEqualTo("late-1");
    assertThat(result.getStatus()).isEqualTo(JobStatus.EXPIRED);
    assertThat(results.isEmpty()).isTrue();
    List<JobEvent> records = events.readValuesToList();
    assertThat(records).hasSize(1);
    assertThat(kinds(transitions(records)))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.EXPIRED);
    assertThat(h.counter(RunexMeters.JOB_EXPIRED.meterName(), "type", "echo")).isEqualTo(1.0);
  }

  private void submit(String id, String json, String traceparent) {
    RecordHeaders headers = new RecordHeaders();
    if (traceparent != null) {
      headers.add(TraceParents.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
    }
    intake.pipeInput(new TestRecord<>(utf8(id), utf8(json), headers, h.now()));
  }

  private static List<JobEventKind> kinds(List<JobEvent> events) {
    return events.stream().map(JobEvent::getKind).toList();
  }

  /** The transitions {@code records} carry, in order. */
  private static List<JobEvent> transitions(List<JobEvent> records) {
    return records.stream().flatMap(r -> Lifecycle.transitions(r).stream()).toList();
  }

  private static JobEvent last(List<JobEvent> events) {
    return events.get(events.size() - 1);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

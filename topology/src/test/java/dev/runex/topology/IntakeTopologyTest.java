package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.topology.intake.RegistryUnavailableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeTopologyTest {
  private static final String VALID_ECHO =
      "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hi\"}}";

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<byte[], byte[]> intake;
  private TestOutputTopic<String, Job> validated;
  private TestOutputTopic<String, Job> scheduled;
  private TestOutputTopic<String, JobResult> results;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;
  private TestOutputTopic<String, JobEvent> events;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    intake = h.input(h.topics.intake());
    validated = h.output(h.topics.validated());
    scheduled = h.output(h.topics.scheduled("default"));
    results = h.output(h.topics.results());
    deadLetters = h.output(h.topics.deadLetter());
    events = h.output(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void validJsonRequestBecomesJobKeyedByPartitionKeyOnItsPoolWithEvents() {
    // given
    Instant submitted = Instant.ofEpochMilli(h.now() - 1_000);

    // when
    intake.pipeInput(new TestRecord<>(utf8("job-1"), utf8(VALID_ECHO), submitted));

    // then: due now, it goes straight to its pool (key: partition key, by default the job id)
    assertThat(validated.isEmpty()).isTrue();
    TestRecord<String, Job> out = scheduled.readRecord();
    assertThat(out.key()).isEqualTo("job-1");
    assertThat(out.value().getId()).isEqualTo("job-1");
    assertThat(out.value().getPool()).isEqualTo("default");
    assertThat(out.value().getSubmittedAt()).isEqualTo(submitted);
    assertThat(out.value().getParams()).containsEntry("message", "hi");
    assertThat(scheduled.isEmpty()).isTrue();
    assertThat(kinds(intakeEvents()))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED);
    assertThat(results.isEmpty()).isTrue();
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(h.counter(RunexMeters.INTAKE_RECEIVED.meterName(), "format", "json")).isEqualTo(1.0);
    assertThat(h.counter(RunexMeters.INTAKE_VALIDATED.meterName(), "type", "echo")).isEqualTo(1.0);
  }

  @Test
  void validAvroRequestBecomesJob() {
    // given
    JobRequest request =
        JobRequest.newBuilder().setId("avro-1").setType("echo").setTenant("demo").build();
    byte[] bytes =
        new ConfluentAvroSerializer<JobRequest>(h.topics.registry(), false)
            .serialize(h.topics.intake().name(), request);

    // when
    intake.pipeInput(utf8("ignored-key"), bytes);

    // then
    assertThat(scheduled.readRecord().value().getId()).isEqualTo("avro-1");
    assertThat(h.counter(RunexMeters.INTAKE_RECEIVED.meterName(), "format", "avro")).isEqualTo(1.0);
  }

  @Test
  void invalidRequestBecomesRejectedResultAndDeadLetterKeepingOriginalKeyAndBytes() {
    // given
    byte[] key = utf8("job-2");
    byte[] value = utf8("{\"type\":\"nope\",\"tenant\":\"demo\",\"labels\":{\"team\":\"a\"}}");

    // when
    intake.pipeInput(key, value);

    // then
    assertThat(validated.isEmpty()).isTrue();
    TestRecord<String, JobResult> result = results.readRecord();
    assertThat(result.key()).isEqualTo("job-2");
    assertThat(result.value().getStatus()).isEqualTo(JobStatus.REJECTED);
    assertThat(result.value().getError().getCode()).isEqualTo("UNKNOWN_TYPE");
    assertThat(result.value().getError().getMessage()).contains("'nope'");
    assertThat(result.value().getType()).isEqualTo("nope");
    assertThat(result.value().getTenant()).isEqualTo("demo");
    assertThat(result.value().getLabels()).containsEntry("team", "a");
    assertThat(result.value().getAttempts()).isZero();

    TestRecord<byte[], DeadLetter> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(key);
    assertThat(dead.value().getJobId()).isEqualTo("job-2");
    assertThat(dead.value().getStage()).isEqualTo("intake");
    assertThat(dead.value().getReason().getCode()).isEqualTo("UNKNOWN_TYPE");
    assertThat(bytes(dead.value().getOriginalValue())).isEqualTo(value);
    assertThat(dead.value().getOriginalContentType()).isEqualTo("json");
    assertThat(dead.value().getSourceTopic()).isEqualTo("runex.intake");
    assertThat(dead.value().getSourcePartition()).isZero();
    assertThat(dead.value().getSourceOffset()).isZero();
    assertThat(dead.value().getAttempts()).isZero();
    assertThat(dead.value().getFirstFailureAt()).isEqualTo(Instant.ofEpochMilli(h.now()));

    List<JobEvent> records = events.readValuesToList();
    assertThat(records).as("one lifecycle record for the rejection").hasSize(1);
    assertThat(records.get(0).getKind())
        .as("an older reader sees the state")
        .isEqualTo(JobEventKind.REJECTED);
    List<JobEvent> ev = transitions(records);
    assertThat(kinds(ev))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.REJECTED, JobEventKind.DEAD_LETTERED);
    assertThat(ev.get(1).getDetail()).startsWith("UNKNOWN_TYPE: ");
    assertThat(h.counter(RunexMeters.INTAKE_REJECTED.meterName(), "reason", "UNKNOWN_TYPE"))
        .isEqualTo(1.0);
    assertThat(h.counter(RunexMeters.JOB_DEAD_LETTERED.meterName(), "stage", "intake"))
        .isEqualTo(1.0);
  }

  @Test
  void theIntakeDeadLettersCounterIsThereAtZeroBeforeTheFirstSoAnAlertSeesIt() {
    assertThat(
            h.meters
                .find(RunexMeters.JOB_DEAD_LETTERED.meterName())
                .tags("stage", "intake")
                .counter())
        .as("registered when the topology is built")
        .isNotNull()
        .satisfies(c -> assertThat(c.count()).isZero());
  }

  @Test
  void undecodableValueWithUsableKeyAlsoGetsRejectedResultUnderThatKey() {
    // when
    intake.pipeInput(utf8("job-3"), utf8("{not json"));

    // then
    TestRecord<String, JobResult> result = results.readRecord();
    assertThat(result.key()).isEqualTo("job-3");
    assertThat(result.value().getError().getCode()).isEqualTo("MALFORMED_JSON");
    assertThat(deadLetters.readRecord().value().getReason().getCode()).isEqualTo("MALFORMED_JSON");
    assertThat(kinds(intakeEvents()))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.REJECTED, JobEventKind.DEAD_LETTERED);
  }

  @Test
  void undecodableValueWithBinaryKeyIsOnlyDeadLettered() {
    // given
    byte[] binaryKey = {(byte) 0xc3, (byte) 0x28};
    byte[] garbage = {(byte) 0xff, 0x10, 0x00};

    // when
    intake.pipeInput(binaryKey, garbage);

    // then
    TestRecord<byte[], DeadLetter> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo(binaryKey);
    assertThat(dead.value().getJobId()).isNull();
    assertThat(dead.value().getReason().getCode()).isEqualTo("UNSUPPORTED_ENCODING");
    assertThat(dead.value().getOriginalContentType()).isEqualTo("unknown");
    assertThat(bytes(dead.value().getOriginalValue())).isEqualTo(garbage);
    assertThat(results.isEmpty()).isTrue();
    assertThat(events.isEmpty()).isTrue();
  }

  @Test
  void tombstoneOnIntakeIsDeadLetteredAsEmpty() {
    // when
    intake.pipeInput(utf8("job-4"), (byte[]) null);

    // then
    TestRecord<byte[], DeadLetter> dead = deadLetters.readRecord();
    assertThat(dead.value().getReason().getCode()).isEqualTo("EMPTY");
    assertThat(dead.value().getOriginalValue()).isNull();
    assertThat(results.readRecord().key()).isEqualTo("job-4");
  }

  @Test
  void garbageDoesNotStopValidJobsBehindIt() {
    // when
    intake.pipeInput(utf8("bad-1"), new byte[] {0, 0, 0, 0, 99, 1});
    intake.pipeInput((byte[]) null, utf8("]]]"));
    intake.pipeInput(
        utf8("bad-3"), utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"forever\"}"));
    intake.pipeInput(utf8("good-1"), utf8(VALID_ECHO));

    // then
    assertThat(scheduled.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("good-1");
    assertThat(deadLetters.readValuesToList())
        .extracting(d -> d.getReason().getCode())
        .containsExactly("UNKNOWN_SCHEMA_ID", "MALFORMED_JSON", "BAD_FIELD");
  }

  @Test
  void validJobDueNowFlowsOnToItsPoolTopic() {
    // when
    intake.pipeInput(
        utf8("job-5"),
        utf8(
            "{\"type\":\"resize\",\"tenant\":\"acme\",\"params\":{\"width\":3},"
                + "\"partitionKey\":\"customer-7\"}"));

    // then
    TestRecord<String, Job> scheduled = h.output(h.topics.scheduled("gpu")).readRecord();
    assertThat(scheduled.key()).isEqualTo("customer-7");
    assertThat(scheduled.value().getId()).isEqualTo("job-5");
  }

  @Test
  void everyEventOfAJobCarriesItsPriority() {
    // when: a high-priority job and one that names no priority (normal)
    intake.pipeInput(
        utf8("job-high"),
        utf8(
            "{\"type\":\"resize\",\"tenant\":\"acme\",\"params\":{\"width\":3},"
                + "\"priority\":\"high\"}"));
    intake.pipeInput(utf8("job-plain"), utf8(VALID_ECHO));

    // then: received, validated and scheduled each say so (validation names normal outright)
    List<JobEvent> all = transitions(events.readValuesToList());
    assertThat(all)
        .filteredOn(e -> e.getJobId().equals("job-high"))
        .extracting(JobEvent::getKind, JobEvent::getPriority)
        .containsExactly(
            tuple(JobEventKind.RECEIVED, JobPriority.HIGH),
            tuple(JobEventKind.VALIDATED, JobPriority.HIGH),
            tuple(JobEventKind.SCHEDULED, JobPriority.HIGH));
    assertThat(all)
        .filteredOn(e -> e.getJobId().equals("job-plain"))
        .extracting(JobEvent::getPriority)
        .containsExactly(JobPriority.NORMAL, JobPriority.NORMAL, JobPriority.NORMAL);
  }

  @Test
  void registryOutageFailsTheRecordInsteadOfDeadLetteringIt() {
    // given: a registry that stores schemas but cannot be asked for them
    SchemaRegistryClient working = TestConfigs.freshRegistry();
    SchemaRegistryClient flaky =
        new SchemaRegistryClient() {
          @Override
          public int register(String subject, Schema schema) {
            return working.register(subject, schema);
          }

          @Override
          public Schema getById(int id) {
            throw new dev.runex.schemas.serde.SchemaRegistryUnavailableException(
                "schema registry at http://registry unreachable while trying to fetch", null);
          }
        };
    h.close();
    h = new TopologyHarness(stateDir.resolve("flaky"), Map.of(), flaky);
    byte[] avro =
        new ConfluentAvroSerializer<JobRequest>(working, false)
            .serialize(
                "runex.intake", JobRequest.newBuilder().setType("echo").setTenant("demo").build());
    TestInputTopic<byte[], byte[]> in = h.input(h.topics.intake());

    // when / then: the failure surfaces (the real client aborts and retries) and nothing is written
    assertThatThrownBy(() -> in.pipeInput(utf8("job-6"), avro))
        .hasRootCauseInstanceOf(SerializationException.class)
        .satisfies(e -> assertThat(e).hasCauseInstanceOf(RegistryUnavailableException.class));
    assertThat(h.driver.producedTopicNames()).isEmpty();
  }

  /** Events of the intake stages only (a valid job due now also gets SCHEDULED further on). */
  private List<JobEvent> intakeEvents() {
    return transitions(events.readValuesToList()).stream()
        .filter(e -> List.of("intake", "validation").contains(e.getStage()))
        .toList();
  }

  /** The transitions {@code records} carry, in order. */
  private static List<JobEvent> transitions(List<JobEvent> records) {
    return records.stream().flatMap(r -> Lifecycle.transitions(r).stream()).toList();
  }

  private static List<JobEventKind> kinds(List<JobEvent> events) {
    return events.stream().map(JobEvent::getKind).toList();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

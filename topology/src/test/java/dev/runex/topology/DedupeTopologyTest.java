package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.topology.cleanup.IdempotencyWindow;
import dev.runex.topology.intake.dedupe.IdempotencyGate;
import dev.runex.topology.intake.dedupe.IdempotencyKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Intake deduplication by tenant + idempotency key, through the real topology's repartition topic.
 */
class DedupeTopologyTest {
  private static final Duration WINDOW = Duration.ofHours(1);

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<byte[], byte[]> intake;
  private TestOutputTopic<String, Job> validated;
  private TestOutputTopic<String, JobResult> results;
  private TestOutputTopic<String, JobEvent> events;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir, Map.of(Settings.INTAKE_IDEMPOTENCY_WINDOW.key(), "1h"));
    intake = h.input(h.topics.intake());
    validated = h.output(h.topics.validated());
    results = h.output(h.topics.results());
    events = h.output(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void secondJobWithTheSameKeyDoesNotRunAndItsResultPointsAtTheFirst() {
    // given
    submit("job-1", "demo", "order-1001");

    // when
    submit("job-2", "demo", "order-1001");

    // then
    assertThat(validated.readKeyValuesToMap()).containsOnlyKeys("job-1");
    TestRecord<String, JobResult> result = results.readRecord();
    assertThat(result.key()).isEqualTo("job-2");
    assertThat(result.value().getStatus()).isEqualTo(JobStatus.REJECTED);
    assertThat(result.value().getError().getCode()).isEqualTo("DUPLICATE");
    assertThat(result.value().getError().getMessage()).contains("order-1001", "job-1");
    assertThat(result.value().getDuplicateOf()).isEqualTo("job-1");
    assertThat(result.value().getAttempts()).isZero();
    assertThat(results.isEmpty()).isTrue();
    assertThat(eventsOf("job-2"))
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.REJECTED);
    assertThat(h.counter(RunexMeters.INTAKE_REJECTED.meterName(), "reason", "DUPLICATE"))
        .isEqualTo(1.0);
  }

  @Test
  void manyDuplicatesProduceOneJobAndOneRejectionEach() {
    // when
    for (int i = 0; i < 10; i++) {
      submit("job-" + i, "demo", "same-key");
    }

    // then
    assertThat(validated.readKeyValuesToMap()).containsOnlyKeys("job-0");
    List<JobResult> rejected = results.readValuesToList();
    assertThat(rejected)
        .hasSize(9)
        .allSatisfy(r -> assertThat(r.getDuplicateOf()).isEqualTo("job-0"));
  }

  @Test
  void theSameKeyFromTwoTenantsIsTwoJobs() {
    // when
    submit("job-a", "demo", "order-1");
    submit("job-b", "acme", "order-1");

    // then
    assertThat(validated.readKeyValuesToMap()).containsOnlyKeys("job-a", "job-b");
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void jobsWithoutAnIdempotencyKeyAreNeverDeduplicated() {
    // when
    String body = "{\"type\":\"resize\",\"tenant\":\"demo\",\"params\":{\"width\":1}}";
    intake.pipeInput(utf8("plain-1"), utf8(body));
    intake.pipeInput(utf8("plain-2"), utf8(body));

    // then: both run; due now, they go straight to their pool, never near the dedupe stage
    assertThat(h.output(h.topics.scheduled("gpu")).readValuesToList())
        .extracting(Job::getId)
        .containsExactly("plain-1", "plain-2");
    assertThat(validated.isEmpty()).isTrue();
    assertThat(dedupeStore().approximateNumEntries()).isZero();
  }

  @Test
  void theOriginalSentAgainIsDroppedWithoutASecondResultUnderItsId() {
    // given
    submit("job-1", "demo", "k");

    // when: a producer retry writes the very same job again
    submit("job-1", "demo", "k");

    // then
    assertThat(validated.readValuesToList()).extracting(Job::getId).containsExactly("job-1");
    assertThat(results.isEmpty()).isTrue();
    assertThat(eventsOf("job-1"))
        .as("one RECEIVED, never a second one that would reset its status")
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.SCHEDULED);
  }

  @Test
  void keyIsForgottenAfterTheWindowSoALaterSubmissionRunsAgain() {
    // given
    submit("job-1", "demo", "k");
    validated.readValuesToList();

    // when
    h.advance(WINDOW.plusSeconds(1));
    submit("job-2", "demo", "k");

    // then
    assertThat(validated.readValuesToList()).extracting(Job::getId).containsExactly("job-2");
    assertThat(results.isEmpty()).isTrue();
  }

  @Test
  void expiredKeysAreDeletedFromTheStoresByThePunctuator() {
    // given
    submit("job-1", "demo", "k1");
    submit("job-2", "demo", "k2");
    h.advance(Duration.ofMinutes(30));
    submit("job-3", "demo", "k3");
    assertThat(dedupeStore().approximateNumEntries()).isEqualTo(3);

    // when: the first two keys' window ends, the third's does not
    h.advance(Duration.ofMinutes(30).plus(IdempotencyWindow.INTERVAL));

    // then
    String k3 = new IdempotencyKey("demo", "k3").encoded();
    assertThat(keys(dedupeStore())).containsExactly(k3);
    assertThat(keys(expiryStore())).hasSize(1).allSatisfy(k -> assertThat(k).endsWith(k3));
  }

  @Test
  void rememberedKeysAreWrittenToTheChangelogSoTheySurviveRestarts() {
    // when
    submit("job-1", "demo", "k");

    // then
    String app = h.cfg.string(Settings.TOPOLOGY_APPLICATION_ID);
    assertThat(h.driver.producedTopicNames())
        .contains(
            app + "-" + IdempotencyGate.STORE + "-changelog",
            app + "-" + IdempotencyGate.EXPIRY_STORE + "-changelog",
            app + "-intake-dedupe-repartition");
  }

  @Test
  void aRestoredKeyStillRejectsDuplicates() {
    // given: state as a restart restores it from the changelog, without passing through process()
    dedupeStore()
        .put(new IdempotencyKey("demo", "k").encoded(), ValueAndTimestamp.make("job-0", h.now()));

    // when
    submit("job-1", "demo", "k");

    // then
    assertThat(validated.isEmpty()).isTrue();
    assertThat(results.readValue().getDuplicateOf()).isEqualTo("job-0");
  }

  private void submit(String id, String tenant, String idempotencyKey) {
    intake.pipeInput(
        utf8(id),
        utf8(
            "{\"type\":\"resize\",\"tenant\":\""
                + tenant
                + "\",\"params\":{\"width\":1},\"idempotencyKey\":\""
                + idempotencyKey
                + "\"}"));
  }

  private List<JobEventKind> eventsOf(String id) {
    return events.readKeyValuesToList().stream()
        .filter(kv -> kv.key.equals(id))
        .flatMap(kv -> Lifecycle.transitions(kv.value).stream())
        .map(JobEvent::getKind)
        .toList();
  }

  private KeyValueStore<String, ValueAndTimestamp<String>> dedupeStore() {
    return h.driver.getTimestampedKeyValueStore(IdempotencyGate.STORE);
  }

  private KeyValueStore<String, String> expiryStore() {
    return h.driver.getKeyValueStore(IdempotencyGate.EXPIRY_STORE);
  }

  private static <V> List<String> keys(KeyValueStore<String, V> store) {
    try (var it = store.all()) {
      List<String> out = new java.util.ArrayList<>();
      it.forEachRemaining(kv -> out.add(kv.key));
      return out;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

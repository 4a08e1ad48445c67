package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.Settings;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.JobTransition;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.topology.cleanup.StatusRetention;
import dev.runex.topology.status.JobFilter;
import dev.runex.topology.status.StatusReader;
import dev.runex.topology.status.StatusUpdater;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status store, fed by the real topology's own events and by events written as workers write
 * them.
 */
class StatusTopologyTest {
  private static final Duration RETENTION = Duration.ofHours(1);

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, JobEvent> events;

  @BeforeEach
  void setUp() {
    h = TopologyHarness.status(stateDir, Map.of(Settings.TOPOLOGY_STATUS_RETENTION.key(), "1h"));
    events = h.input(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void aDelayedJobSubmittedOnIntakeIsDelayedWithItsDueTime() {
    // when: the topology's own intake and queueing events flow back into the status store
    h.input(h.topics.intake())
        .pipeInput(utf8("later"), utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"1h\"}"));

    // then
    JobStatusView v = store().get("later");
    assertThat(v.getState()).isEqualTo(JobPhase.DELAYED);
    assertThat(v.getTenant()).isEqualTo("demo");
    assertThat(v.getAttempt()).isEqualTo(1);
    assertThat(v.getDueAt()).isEqualTo(Instant.ofEpochMilli(h.now()).plus(Duration.ofHours(1)));
    assertThat(v.getHistory())
        .extracting(JobTransition::getKind)
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED, JobEventKind.DELAYED);
  }

  @Test
  void aRejectedRequestIsRejectedWithTheReason() {
    // when
    h.input(h.topics.intake())
        .pipeInput(utf8("bad"), utf8("{\"type\":\"nope\",\"tenant\":\"demo\"}"));

    // then
    JobStatusView v = store().get("bad");
    assertThat(v.getState()).isEqualTo(JobPhase.REJECTED);
    assertThat(v.getTerminal()).isTrue();
    assertThat(v.getDetail()).startsWith("UNKNOWN_TYPE");
  }

  @Test
  void workerEventsFinishTheJob() {
    // when
    pipe("j1", "demo", "echo", JobEventKind.SCHEDULED, 1);
    pipe("j1", "demo", "echo", JobEventKind.STARTED, 1);
    pipe("j1", "demo", "echo", JobEventKind.SUCCEEDED, 1);

    // then
    JobStatusView v = store().get("j1");
    assertThat(v.getState()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(v.getStartedAt()).isNotNull();
    assertThat(v.getFinishedAt()).isNotNull();
  }

  @Test
  void aFinishedJobsStatusIsDeletedAfterTheRetentionAndAnUnfinishedOneStays() {
    // given
    pipe("done", "demo", "echo", JobEventKind.SUCCEEDED, 1);
    pipe("running", "demo", "echo", JobEventKind.STARTED, 1);

    // when
    h.advance(RETENTION.minusMinutes(2));
    assertThat(store().get("done")).as("kept within the retention").isNotNull();
    h.advance(Duration.ofMinutes(2).plus(StatusRetention.INTERVAL));

    // then
    assertThat(store().get("done")).isNull();
    assertThat(store().get("running")).isNotNull();
    assertThat(reader().list(new JobFilter("demo", null, null), null, 10))
        .extracting(JobStatusView::getJobId)
        .containsExactly("running");
    assertThat(h.driver.getKeyValueStore(StatusUpdater.EXPIRY).approximateNumEntries()).isZero();
  }

  @Test
  void aJobReplayedBeforeItsStatusExpiredIsNotDeletedWhileItRunsAgain() {
    // given
    pipe("again", "demo", "echo", JobEventKind.FAILED, 3);
    h.advance(Duration.ofMinutes(30));

    // when: replayed as the same job
    pipe("again", "demo", "echo", JobEventKind.RECEIVED, 0);
    h.advance(Duration.ofMinutes(31).plus(StatusRetention.INTERVAL));

    // then
    assertThat(store().get("again").getState()).isEqualTo(JobPhase.RECEIVED);
  }

  @Test
  void listsByTenantTypeAndStateInIdOrderWithPaging() {
    // given
    for (String id : List.of("c", "a", "e", "b", "d")) {
      pipe(id, "demo", "echo", JobEventKind.SCHEDULED, 1);
    }
    pipe("x", "acme", "echo", JobEventKind.SCHEDULED, 1);
    pipe("y", "demo", "resize", JobEventKind.SCHEDULED, 1);
    pipe("d", "demo", "echo", JobEventKind.STARTED, 1);

    // when
    StatusReader r = reader();
    List<String> firstPage = ids(r.list(new JobFilter("demo", "echo", null), null, 2));
    List<String> secondPage = ids(r.list(new JobFilter("demo", "echo", null), "b", 2));
    List<String> lastPage = ids(r.list(new JobFilter("demo", "echo", null), "d", 2));

    // then
    assertThat(firstPage).containsExactly("a", "b");
    assertThat(secondPage).containsExactly("c", "d");
    assertThat(lastPage).containsExactly("e");
    assertThat(ids(r.list(new JobFilter("demo", null, JobPhase.RUNNING), null, 10)))
        .containsExactly("d");
    assertThat(ids(r.list(new JobFilter(null, "resize", null), null, 10))).containsExactly("y");
    assertThat(ids(r.list(JobFilter.ALL, "d", 10))).containsExactly("e", "x", "y");
  }

  @Test
  void listsByLabelAndSubmissionTimeWithLabelsTakenFromTheIntakeRequest() {
    // given: two jobs through the real intake, one with labels, and one submitted later
    Instant first = Instant.ofEpochMilli(h.now());
    h.input(h.topics.intake())
        .pipeInput(
            utf8("lab"),
            utf8(
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"1h\","
                    + "\"labels\":{\"team\":\"ml\",\"env\":\"prod\"}}"));
    h.advance(Duration.ofMinutes(5));
    h.input(h.topics.intake())
        .pipeInput(utf8("plain"), utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"1h\"}"));

    // when
    StatusReader r = reader();

    // then
    assertThat(store().get("lab").getLabels()).containsEntry("team", "ml");
    assertThat(ids(r.list(filter(Map.of("team", "ml"), null, null), null, 10)))
        .containsExactly("lab");
    assertThat(ids(r.list(filter(Map.of("team", "ml", "env", "dev"), null, null), null, 10)))
        .isEmpty();
    assertThat(ids(r.list(filter(Map.of(), first.plusSeconds(60), null), null, 10)))
        .containsExactly("plain");
    assertThat(ids(r.list(filter(Map.of(), null, first.plusSeconds(60)), null, 10)))
        .containsExactly("lab");
  }

  private static JobFilter filter(Map<String, String> labels, Instant from, Instant to) {
    return new JobFilter("demo", null, null, labels, from, to);
  }

  @Test
  void tenantsWhoseNamesShareAPrefixAreListedApart() {
    pipe("j1", "acme", "echo", JobEventKind.SCHEDULED, 1);
    pipe("j2", "acme-eu", "echo", JobEventKind.SCHEDULED, 1);

    assertThat(ids(reader().list(new JobFilter("acme", null, null), null, 10)))
        .containsExactly("j1");
  }

  @Test
  void statusIsWrittenToItsChangelogSoItSurvivesRestartsAndItsIndexesAreNot() {
    pipe("j1", "demo", "echo", JobEventKind.SCHEDULED, 1);

    // the indexes are rebuilt from the statuses when a task starts; only the epoch of that rebuild
    // is changelogged beside the statuses
    String app = h.cfg.string(Settings.TOPOLOGY_APPLICATION_ID);
    assertThat(h.driver.producedTopicNames())
        .contains(app + "-job-status-changelog", app + "-job-status-index-epoch-changelog")
        .doesNotContain(
            app + "-job-status-by-tenant-changelog", app + "-job-status-expiry-changelog");
  }

  @Test
  void eachCommitWritesTheFoldedStatusToTheChangelog() {
    // The job-status store holds changed statuses as objects until the task commits: the commit
    // (after every record in this driver) must write them, or a restart would lose them.
    String app = h.cfg.string(Settings.TOPOLOGY_APPLICATION_ID);
    TestOutputTopic<String, JobStatusView> changelog =
        h.driver.createOutputTopic(
            app + "-job-status-changelog",
            new StringDeserializer(),
            AvroSerdes.confluent(h.topics.registry(), JobStatusView.class).deserializer());

    pipe("j1", "demo", "echo", JobEventKind.SCHEDULED, 1);
    pipe("j1", "demo", "echo", JobEventKind.STARTED, 1);

    List<KeyValue<String, JobStatusView>> written = changelog.readKeyValuesToList();
    assertThat(written).extracting(kv -> kv.key).containsExactly("j1", "j1");
    JobStatusView last = written.get(1).value;
    assertThat(last.getState()).isEqualTo(JobPhase.RUNNING);
    assertThat(last.getHistory())
        .extracting(JobTransition::getKind)
        .containsExactly(JobEventKind.SCHEDULED, JobEventKind.STARTED);
  }

  @Test
  void aRecordOfSeveralTransitionsWritesTheStatusOnce() {
    String app = h.cfg.string(Settings.TOPOLOGY_APPLICATION_ID);
    TestOutputTopic<String, JobStatusView> changelog =
        h.driver.createOutputTopic(
            app + "-job-status-changelog",
            new StringDeserializer(),
            AvroSerdes.confluent(h.topics.registry(), JobStatusView.class).deserializer());

    // when: intake's direct path and then a worker each commit their transitions as one record
    events.pipeInput(
        "j1",
        Lifecycle.merge(
            List.of(
                event("j1", JobEventKind.RECEIVED, "intake"),
                event("j1", JobEventKind.VALIDATED, "validation"),
                event("j1", JobEventKind.SCHEDULED, "scheduling"))));
    events.pipeInput(
        "j1",
        Lifecycle.merge(
            List.of(
                event("j1", JobEventKind.STARTED, "execution"),
                event("j1", JobEventKind.SUCCEEDED, "execution"))));

    // then: one status write per record, with every transition in the history
    List<KeyValue<String, JobStatusView>> written = changelog.readKeyValuesToList();
    assertThat(written)
        .extracting(kv -> kv.value.getState())
        .containsExactly(JobPhase.SCHEDULED, JobPhase.SUCCEEDED);
    assertThat(written.get(1).value.getHistory())
        .extracting(JobTransition::getKind)
        .containsExactly(
            JobEventKind.RECEIVED,
            JobEventKind.VALIDATED,
            JobEventKind.SCHEDULED,
            JobEventKind.STARTED,
            JobEventKind.SUCCEEDED);
    assertThat(reader().get("j1").getStartedAt()).isNotNull();
  }

  private JobEvent event(String id, JobEventKind kind, String stage) {
    JobEvent e = Lifecycle.event(id, "demo", "echo", kind, stage, "w1", null, h.now());
    e.setAttempt(1);
    return e;
  }

  private void pipe(String id, String tenant, String type, JobEventKind kind, int attempt) {
    JobEvent e = Lifecycle.event(id, tenant, type, kind, "execution", "w1", null, h.now());
    e.setAttempt(attempt);
    events.pipeInput(id, e);
  }

  private KeyValueStore<String, JobStatusView> store() {
    return h.driver.getKeyValueStore(StatusUpdater.STORE);
  }

  private StatusReader reader() {
    return new StatusReader(store(), h.driver.getKeyValueStore(StatusUpdater.TENANT_INDEX));
  }

  private static List<String> ids(List<JobStatusView> views) {
    return views.stream().map(JobStatusView::getJobId).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.Settings;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.queueing.DelayIndex;
import dev.runex.topology.queueing.DelayIndexKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueingTopologyTest {
  private static final Duration PUNCTUATE = Duration.ofMillis(200); // the configured default

  @TempDir Path stateDir;
  private TopologyHarness h;
  private TestInputTopic<String, Job> validated;
  private TestInputTopic<String, Job> retry;
  private TestOutputTopic<String, Job> scheduledDefault;
  private TestOutputTopic<String, JobEvent> events;

  @BeforeEach
  void setUp() {
    h = new TopologyHarness(stateDir);
    validated = h.input(h.topics.validated());
    retry = h.input(h.topics.retry());
    scheduledDefault = h.output(h.topics.scheduled("default"));
    events = h.output(h.topics.events());
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void jobDueNowGoesStraightToItsPoolTopicKeyedByPartitionKey() {
    // given
    Job job = job("j-1", "gpu", "customer-7", h.now(), 1);

    // when
    validated.pipeInput(job.getId(), job);

    // then: no clock advance needed
    TestRecord<String, Job> out = h.output(h.topics.scheduled("gpu")).readRecord();
    assertThat(out.key()).isEqualTo("customer-7");
    assertThat(out.value()).isEqualTo(job);
    assertThat(scheduledDefault.isEmpty()).isTrue();
    assertThat(kinds(events.readValuesToList())).containsExactly(JobEventKind.SCHEDULED);
    assertThat(h.counter(RunexMeters.SCHEDULED.meterName(), "pool", "gpu", "type", "echo"))
        .isEqualTo(1.0);
  }

  @Test
  void jobGoesToThePoolTopicOfItsPriority() {
    // given
    Job high =
        Job.newBuilder(job("j-high", "gpu", "k", h.now(), 1)).setPriority(JobPriority.HIGH).build();
    Job low =
        Job.newBuilder(job("j-low", "gpu", "k", h.now(), 1)).setPriority(JobPriority.LOW).build();

    // when
    validated.pipeInput(high.getId(), high);
    validated.pipeInput(low.getId(), low);

    // then
    assertThat(h.output(h.topics.scheduled("gpu", JobPriority.HIGH)).readValuesToList())
        .containsExactly(high);
    assertThat(h.output(h.topics.scheduled("gpu", JobPriority.LOW)).readValuesToList())
        .containsExactly(low);
    assertThat(h.output(h.topics.scheduled("gpu")).isEmpty()).isTrue();
  }

  @Test
  void delayedJobIsNotReleasedBeforeItsReleaseLead() {
    // given: due in 10 s
    Job job = job("j-2", "default", "j-2", h.now() + 10_000, 1);

    // when: up to a millisecond before its lead (runex.topology.releaseAhead) before its due time
    validated.pipeInput(job.getId(), job);
    h.advance(Duration.ofMillis(10_000 - lead() - 1));

    // then
    assertThat(scheduledDefault.isEmpty()).isTrue();
    List<JobEvent> ev = events.readValuesToList();
    assertThat(kinds(ev)).containsExactly(JobEventKind.DELAYED);
    assertThat(ev.get(0).getStage()).isEqualTo("queueing");
    assertThat(h.counter(RunexMeters.QUEUE_DELAYED.meterName(), "type", "echo")).isEqualTo(1.0);
    assertThat(delayIndexSize()).isEqualTo(1.0);
  }

  @Test
  void delayedJobIsReleasedItsLeadAheadOfItsDueTimeWithinOnePunctuation() {
    // given
    Job job = job("j-3", "default", "pk-3", h.now() + 10_000, 1);
    validated.pipeInput(job.getId(), job);
    h.advance(Duration.ofMillis(10_000 - lead() - 1));

    // when
    h.advance(PUNCTUATE);

    // then: on its pool's topic before it is due (its worker holds it until then)
    TestRecord<String, Job> out = scheduledDefault.readRecord();
    assertThat(out.key()).isEqualTo("pk-3");
    assertThat(out.value()).isEqualTo(job);
    assertThat(h.now()).isLessThan(job.getDueAt().toEpochMilli());
    assertThat(kinds(events.readValuesToList()))
        .containsExactly(JobEventKind.DELAYED, JobEventKind.SCHEDULED);
    assertThat(store().get(DelayIndexKey.of(job))).isNull();
    assertThat(delayIndexSize()).isZero();
  }

  @Test
  void aJobDueWithinTheReleaseLeadGoesToItsPoolWithoutWaitingInTheIndex() {
    // given: a retry due in half the lead
    Job job = job("j-soon", "default", "pk", h.now() + lead() / 2, 2);

    // when
    retry.pipeInput(job.getId(), job);

    // then: no clock advance needed, no DELAYED event
    assertThat(scheduledDefault.readValuesToList()).containsExactly(job);
    assertThat(kinds(events.readValuesToList())).containsExactly(JobEventKind.SCHEDULED);
    assertThat(delayIndexSize()).isZero();
  }

  @Test
  void dueJobsAreReleasedInDueOrderNotArrivalOrder() {
    // given
    for (int offsetSeconds : new int[] {13, 11, 12}) {
      Job job = job("j-" + offsetSeconds, "default", "pk", h.now() + offsetSeconds * 1_000L, 1);
      validated.pipeInput(job.getId(), job);
    }

    // when: one punctuation finds all three due
    h.advance(Duration.ofSeconds(15));

    // then
    assertThat(scheduledDefault.readValuesToList())
        .extracting(Job::getId)
        .containsExactly("j-11", "j-12", "j-13");
  }

  @Test
  void retryWithFutureDueTimeWaitsInTheDelayIndexThenKeepsItsAttempt() {
    // given
    Job retried = job("j-4", "default", "j-4", h.now() + 2_000, 2);

    // when
    retry.pipeInput(retried.getId(), retried);

    // then
    assertThat(scheduledDefault.isEmpty()).isTrue();
    assertThat(store().get(DelayIndexKey.of(retried))).isEqualTo(retried);
    h.advance(Duration.ofMillis(2_100));
    Job out = scheduledDefault.readValue();
    assertThat(out.getAttempt()).isEqualTo(2);
    assertThat(out.getId()).isEqualTo("j-4");
  }

  @Test
  void waitingJobsAreWrittenToTheChangelogSoTheySurviveRestarts() {
    // given
    Job job = job("j-5", "default", "j-5", h.now() + 60_000, 1);

    // when
    validated.pipeInput(job.getId(), job);

    // then
    String changelog =
        h.cfg.string(Settings.TOPOLOGY_APPLICATION_ID) + "-" + DelayIndex.STORE + "-changelog";
    assertThat(h.driver.producedTopicNames()).contains(changelog);
    TestOutputTopic<String, Job> log =
        h.output(new Topic<>(changelog, Serdes.String(), h.topics.validated().valueSerde()));
    TestRecord<String, Job> entry = log.readRecord();
    assertThat(entry.key()).isEqualTo(DelayIndexKey.of(job));
    assertThat(entry.value()).isEqualTo(job);
  }

  @Test
  void entryRestoredIntoTheStoreIsReleasedWhenDue() {
    // given: state as a restart restores it from the changelog, without passing through process()
    Job job = job("j-6", "default", "j-6", h.now() + 1_000, 1);
    store().put(DelayIndexKey.of(job), job);

    // when
    h.advance(Duration.ofMillis(1_000));

    // then
    assertThat(scheduledDefault.readValuesToList()).containsExactly(job);
    assertThat(store().get(DelayIndexKey.of(job))).isNull();
  }

  private KeyValueStore<String, Job> store() {
    return h.driver.getKeyValueStore(DelayIndex.STORE);
  }

  private double delayIndexSize() {
    return h.meters.get(RunexMeters.QUEUE_DELAY_INDEX_SIZE.meterName()).gauge().value();
  }

  private static List<JobEventKind> kinds(List<JobEvent> events) {
    return events.stream().map(JobEvent::getKind).toList();
  }

  /** How long before its due time a job leaves the index (the default), in millis. */
  private long lead() {
    return h.cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD).toMillis();
  }

  static Job job(String id, String pool, String partitionKey, long dueAt, int attempt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setPool(pool)
        .setParams(Map.of("message", "hi"))
        .setPartitionKey(partitionKey)
        .setAttempt(attempt)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(dueAt - 60_000))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}

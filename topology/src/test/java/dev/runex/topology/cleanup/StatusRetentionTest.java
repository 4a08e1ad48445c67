package dev.runex.topology.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.topology.TestConfigs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusRetentionTest {
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final Duration RETENTION = Duration.ofMinutes(10);

  private final KeyValueStore<String, JobStatusView> statuses =
      Stores.keyValue(
          "job-status", AvroSerdes.confluent(TestConfigs.freshRegistry(), JobStatusView.class));
  private final KeyValueStore<String, String> expiry =
      Stores.keyValue("job-status-expiry", Serdes.String());
  private final List<String> tenantIndexDeletes = new ArrayList<>();
  private final StatusRetention retention =
      new StatusRetention(
          RETENTION,
          statuses,
          new ExpiryIndex(expiry),
          (tenant, jobId) -> tenantIndexDeletes.add(tenant + "/" + jobId));

  @AfterEach
  void close() {
    statuses.close();
    expiry.close();
  }

  @Test
  void aFinishedJobsStatusIsDeletedOnceItsRetentionHasPassed() {
    // given
    fold(null, running("j1"));
    fold(running("j1"), finished("j1", T0));

    // when
    retention.sweep(T0 + RETENTION.toMillis() - 1);
    boolean keptBefore = statuses.get("j1") != null;
    retention.sweep(T0 + RETENTION.toMillis());

    // then
    assertThat(keptBefore).isTrue();
    assertThat(statuses.get("j1")).isNull();
    assertThat(tenantIndexDeletes).containsExactly("acme/j1");
    assertThat(expiry.approximateNumEntries()).isZero();
  }

  @Test
  void aJobRunningAgainIsKeptAndItsNextFinishCounts() {
    // given: finished, then replayed (running again) before its retention passed
    fold(null, finished("j1", T0));
    fold(finished("j1", T0), running("j1"));

    // when
    retention.sweep(T0 + RETENTION.toMillis());

    // then
    assertThat(statuses.get("j1")).isNotNull();
    assertThat(expiry.approximateNumEntries()).isZero();
  }

  @Test
  void aJobThatFinishedAgainLaterIsReFiledNotDeleted() {
    // given: filed at its first finish; it finished again five minutes later
    fold(null, finished("j1", T0));
    statuses.put("j1", finished("j1", T0 + 300_000));

    // when
    retention.sweep(T0 + RETENTION.toMillis());

    // then
    assertThat(statuses.get("j1")).isNotNull();
    retention.sweep(T0 + 300_000 + RETENTION.toMillis());
    assertThat(statuses.get("j1")).isNull();
  }

  @Test
  void aSweepTakesOneBatchAndSaysWhenItWasFull() {
    // given one more finished job than a sweep deletes
    for (int i = 0; i <= StatusRetention.MAX_PER_SWEEP; i++) {
      fold(null, finished("j" + i, T0));
    }
    long due = T0 + RETENTION.toMillis();

    // when
    boolean firstFull = retention.sweep(due);
    long left = expiry.approximateNumEntries();
    boolean secondFull = retention.sweep(due);

    // then
    assertThat(firstFull).isTrue();
    assertThat(left).isEqualTo(1);
    assertThat(secondFull).isFalse();
    assertThat(expiry.approximateNumEntries()).isZero();
    assertThat(statuses.approximateNumEntries()).isZero();
  }

  private void fold(JobStatusView before, JobStatusView after) {
    statuses.put(after.getJobId(), after);
    retention.folded(before, after);
  }

  private static JobStatusView running(String id) {
    return view(id, JobPhase.RUNNING, null, T0);
  }

  private static JobStatusView finished(String id, long at) {
    return view(id, JobPhase.SUCCEEDED, Instant.ofEpochMilli(at), at);
  }

  private static JobStatusView view(String id, JobPhase phase, Instant finishedAt, long at) {
    return JobStatusView.newBuilder()
        .setJobId(id)
        .setTenant("acme")
        .setState(phase)
        .setTerminal(finishedAt != null)
        .setFinishedAt(finishedAt)
        .setUpdatedAt(Instant.ofEpochMilli(at))
        .build();
  }
}

package dev.runex.topology.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.cleanup.ExpiryIndex;
import dev.runex.topology.cleanup.StatusRetention;
import dev.runex.topology.queueing.TimeOrderedKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusIndexesTest {
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final Duration RETENTION = Duration.ofMinutes(10);
  private static final MockProcessorContext<Object, Object> CONTEXT = new MockProcessorContext<>();

  private final KeyValueStore<String, JobStatusView> statuses =
      store(
          StatusUpdater.STORE,
          AvroSerdes.confluent(TestConfigs.freshRegistry(), JobStatusView.class));
  private final KeyValueStore<String, String> byTenant =
      store(StatusUpdater.TENANT_INDEX, Serdes.String());
  private final KeyValueStore<String, String> expiry = store(StatusUpdater.EXPIRY, Serdes.String());
  private final KeyValueStore<String, String> epochs = store(StatusIndexes.EPOCHS, Serdes.String());
  private final List<String> tenantIndexDeletes = new ArrayList<>();
  private final StatusRetention retention =
      new StatusRetention(
          RETENTION,
          statuses,
          new ExpiryIndex(expiry),
          (tenant, jobId) -> {
            tenantIndexDeletes.add(tenant + "/" + jobId);
            byTenant.delete(TenantIndexKey.of(tenant, jobId));
          });

  @AfterEach
  void close() {
    statuses.close();
    byTenant.close();
    expiry.close();
    epochs.close();
  }

  @Test
  void theIndexesHoldExactlyWhatTheStatusesSayWhateverTheyHeldBefore() {
    // given: a running job, a finished one and one whose events named no tenant yet; the indexes
    // still hold a job deleted since and a finish time that was replayed away
    statuses.put("run-1", view("run-1", "acme", null));
    statuses.put("done-1", view("done-1", "globex", Instant.ofEpochMilli(T0)));
    statuses.put("anon-1", view("anon-1", null, null));
    byTenant.put(TenantIndexKey.of("acme", "deleted-1"), "deleted-1");
    new ExpiryIndex(expiry).file(T0 - 1, "deleted-1");
    new ExpiryIndex(expiry).file(T0 + 5, "run-1");

    // when
    long read = StatusIndexes.rebuild(statuses, byTenant, expiry, retention);

    // then
    assertThat(read).isEqualTo(3);
    assertThat(entries(byTenant))
        .containsExactlyInAnyOrder(
            KeyValue.pair(TenantIndexKey.of("acme", "run-1"), "run-1"),
            KeyValue.pair(TenantIndexKey.of("globex", "done-1"), "done-1"));
    // filed to expire when its retention has passed, as a fold that saw it finish files it
    assertThat(entries(expiry))
        .containsExactly(
            KeyValue.pair(TimeOrderedKeys.of(T0 + RETENTION.toMillis(), "done-1"), "done-1"));
  }

  @Test
  void indexesBuiltAtTheLatestEpochAreKeptAsTheyAre() {
    // given: built once; then an entry no status explains, which only a rebuild would remove
    statuses.put("run-1", view("run-1", "acme", null));
    long first =
        StatusIndexes.ensureCurrent(statuses, byTenant, expiry, epochs, retention, () -> "e1");
    byTenant.put(TenantIndexKey.of("acme", "stray-1"), "stray-1");

    // when: the task starts again on this instance, nobody having rebuilt since
    long second =
        StatusIndexes.ensureCurrent(statuses, byTenant, expiry, epochs, retention, () -> "e2");

    // then
    assertThat(first).isEqualTo(1);
    assertThat(second).isEqualTo(-1);
    assertThat(epochs.get(StatusIndexes.EPOCH)).isEqualTo("e1");
    assertThat(entries(byTenant))
        .extracting(kv -> kv.key)
        .containsExactly(
            TenantIndexKey.of("acme", "run-1"),
            TenantIndexKey.of("acme", "stray-1"),
            StatusIndexes.EPOCH);
  }

  @Test
  void indexesAreRebuiltWhenAnotherInstanceRebuiltSinceOrTheLocalEpochIsMissing() {
    // given: built here at e1
    statuses.put("run-1", view("run-1", "acme", null));
    StatusIndexes.ensureCurrent(statuses, byTenant, expiry, epochs, retention, () -> "e1");
    byTenant.put(TenantIndexKey.of("acme", "stray-1"), "stray-1");

    // when: another instance ran the task and rebuilt at e2 (the changelogged epoch says so)
    epochs.put(StatusIndexes.EPOCH, "e2");
    long afterMove =
        StatusIndexes.ensureCurrent(statuses, byTenant, expiry, epochs, retention, () -> "e3");
    List<String> keysAfterMove = keys(byTenant);
    // and when: the local indexes lost their epoch (wiped, or a standby's)
    byTenant.put(TenantIndexKey.of("acme", "stray-2"), "stray-2");
    byTenant.delete(StatusIndexes.EPOCH);
    long afterWipe =
        StatusIndexes.ensureCurrent(statuses, byTenant, expiry, epochs, retention, () -> "e4");

    // then
    assertThat(afterMove).isEqualTo(1);
    assertThat(keysAfterMove)
        .containsExactly(TenantIndexKey.of("acme", "run-1"), StatusIndexes.EPOCH);
    assertThat(afterWipe).isEqualTo(1);
    assertThat(keys(byTenant))
        .containsExactly(TenantIndexKey.of("acme", "run-1"), StatusIndexes.EPOCH);
    assertThat(epochs.get(StatusIndexes.EPOCH)).isEqualTo("e4");
    assertThat(byTenant.get(StatusIndexes.EPOCH)).isEqualTo("e4");
  }

  @Test
  void clearingEmptiesAnIndexOfMoreEntriesThanOnePassCollects() {
    // given
    int n = StatusIndexes.CLEAR_BATCH * 2 + 7;
    for (int i = 0; i < n; i++) {
      byTenant.put(TenantIndexKey.of("acme", "j" + i), "j" + i);
    }

    // when
    StatusIndexes.clear(byTenant);

    // then
    assertThat(entries(byTenant)).isEmpty();
  }

  @Test
  void onlyTheFirstStatusToNameItsTenantFilesTheJob() {
    // given
    JobStatusView anonymous = view("j1", null, null);
    JobStatusView named = view("j1", "acme", null);

    // when
    StatusIndexes.indexTenant(byTenant, null, anonymous);
    StatusIndexes.indexTenant(byTenant, anonymous, named);
    byTenant.delete(TenantIndexKey.of("acme", "j1"));
    StatusIndexes.indexTenant(byTenant, named, named);

    // then: the third call changed nothing (the entry stays deleted)
    assertThat(entries(byTenant)).isEmpty();
    StatusIndexes.indexTenant(byTenant, anonymous, named);
    assertThat(entries(byTenant))
        .containsExactly(KeyValue.pair(TenantIndexKey.of("acme", "j1"), "j1"));
  }

  private static List<String> keys(KeyValueStore<String, String> store) {
    return entries(store).stream().map(kv -> kv.key).toList();
  }

  private static <V> List<KeyValue<String, V>> entries(KeyValueStore<String, V> store) {
    List<KeyValue<String, V>> all = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(all::add);
    }
    return all;
  }

  private static JobStatusView view(String id, String tenant, Instant finishedAt) {
    return JobStatusView.newBuilder()
        .setJobId(id)
        .setTenant(tenant)
        .setState(finishedAt != null ? JobPhase.SUCCEEDED : JobPhase.RUNNING)
        .setTerminal(finishedAt != null)
        .setFinishedAt(finishedAt)
        .setUpdatedAt(Instant.ofEpochMilli(T0))
        .build();
  }

  private static <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled()
            .build();
    store.init(CONTEXT.getStateStoreContext(), store);
    return store;
  }
}

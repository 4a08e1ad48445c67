package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.Quotas;
import dev.runex.config.Quotas.Block;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.Job;
import dev.runex.schemas.quota.ReleaseNotice;
import dev.runex.topology.monitoring.TaskSizeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The quota gate's held slots over a real (in-memory) key-value store. */
class AdmittedSlotsTest {
  private static final TaskId TASK = new TaskId(0, 0);
  private static final char NUL = '\u0000';

  private final TaskSizeGauge gauge =
      TaskSizeGauge.register(new SimpleMeterRegistry(), RunexMeters.QUOTA_IN_FLIGHT);
  private final KeyValueStore<String, String> store =
      Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore("quota-in-flight"), Serdes.String(), Serdes.String())
          .withLoggingDisabled()
          .build();
  private final QuotaPolicy policy =
      new QuotaPolicy(
          new Quotas(new Block(null, null, null, Map.of()), Map.of()),
          new QuotaPolicy.BucketStates() {
            private final Map<String, String> states = new HashMap<>();

            @Override
            public String get(String key) {
              return states.get(key);
            }

            @Override
            public void put(String key, String state) {
              states.put(key, state);
            }
          });

  AdmittedSlotsTest() {
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aSlotIsStoredAsTenantTypeAndAttemptToken() {
    // given
    AdmittedSlots slots = AdmittedSlots.open(store, gauge, TASK, policy);
    Job job = job("j1", 1);

    // when
    slots.hold(job);

    // then
    assertThat(store.get("j1"))
        .isEqualTo("acme" + NUL + "echo" + NUL + ReleaseNotice.token(job))
        .isEqualTo(new AdmittedSlots.Slot("acme", "echo", ReleaseNotice.token(job)).encode());
    assertThat(slots.holds("j1")).isTrue();
    assertThat(gauge.total()).isEqualTo(1);
  }

  @Test
  void theNoticeOfTheRetryHoldingTheSlotFreesNothing() {
    // given: the retry (attempt 2) was admitted before the notice that announced it arrived
    AdmittedSlots slots = AdmittedSlots.open(store, gauge, TASK, policy);
    Job retry = job("j1", 2);
    slots.hold(retry);

    // when
    AdmittedSlots.Slot late = slots.free(ReleaseNotice.retried(retry));
    AdmittedSlots.Slot finished = slots.free(ReleaseNotice.finished("j1"));

    // then
    assertThat(late).isNull();
    assertThat(finished)
        .isEqualTo(new AdmittedSlots.Slot("acme", "echo", ReleaseNotice.token(retry)));
    assertThat(slots.holds("j1")).isFalse();
    assertThat(slots.free(ReleaseNotice.finished("j1"))).isNull();
    assertThat(gauge.total()).isZero();
  }

  @Test
  void reopeningCountsTheHeldSlotsAgain() {
    // given
    AdmittedSlots first = AdmittedSlots.open(store, gauge, TASK, policy);
    first.hold(job("j1", 1));
    first.hold(job("j2", 1));
    first.close();

    // when
    AdmittedSlots reopened = AdmittedSlots.open(store, gauge, TASK, policy);

    // then
    assertThat(reopened.size()).isEqualTo(2);
    assertThat(policy.inFlight("acme", "echo")).isEqualTo(2);
  }

  private static Job job(String id, int attempt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("acme")
        .setPool("default")
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(attempt)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.EPOCH)
        .setDueAt(Instant.EPOCH)
        .build();
  }
}

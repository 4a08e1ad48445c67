package dev.runex.topology.queueing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.RunexConfig;
import dev.runex.monitoring.RunexMeters;
import dev.runex.monitoring.backlog.PoolPriority;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.monitoring.TaskSizeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A delay-index task that starts on a store already holding jobs (restored from the changelog after
 * a restart or a move) counts them for the backlog meters before it processes anything, and drops
 * its counts when it closes.
 */
class DelayIndexStartTest {
  private static final long NOW = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final PoolPriority GPU = new PoolPriority("gpu", JobPriority.NORMAL);
  private static final PoolPriority DEFAULT_HIGH = new PoolPriority("default", JobPriority.HIGH);

  @Test
  void taskCountsTheJobsItsStoreHoldsWhenItStartsAndForgetsThemWhenItCloses() {
    // given: a store as restoration left it
    RunexConfig cfg = TestConfigs.config();
    RunexTopics topics = TestConfigs.topics(cfg);
    MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(NOW);
    KeyValueStore<String, Job> store =
        store(context, DelayIndex.STORE, topics.validated().valueSerde());
    store(context, ControlStore.NAME, topics.control().valueSerde());
    for (Job job :
        new Job[] {
          job("a", "gpu", null, NOW + 30_000),
          job("b", "gpu", null, NOW + 12_000),
          job("c", "default", JobPriority.HIGH, NOW + 90_000)
        }) {
      store.put(DelayIndexKey.of(job), job);
    }
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TaskSizeGauge size = TaskSizeGauge.register(meters, RunexMeters.QUEUE_DELAY_INDEX_SIZE);
    DelayedBacklogs backlogs = new DelayedBacklogs();
    DelayIndex index =
        new DelayIndex(
            cfg,
            Duration.ofMillis(200),
            new StageCounters(meters),
            size,
            backlogs,
            "test",
            new DelayIndex.Outputs("due", "events", "results", "control"));

    // when
    index.init(context);

    // then
    assertThat(backlogs.delayed(GPU)).isEqualTo(2);
    assertThat(backlogs.nextDueMillis(GPU)).hasValue(NOW + 12_000);
    assertThat(backlogs.delayed(DEFAULT_HIGH)).isEqualTo(1);
    assertThat(size.total()).isEqualTo(3);

    // when
    index.close();

    // then
    assertThat(backlogs.delayed(GPU)).isZero();
    assertThat(backlogs.nextDueMillis(GPU)).isEmpty();
  }

  private static <V> KeyValueStore<String, V> store(
      MockProcessorContext<String, Object> context, String name, Serde<V> values) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private static Job job(String id, String pool, JobPriority priority, long dueAt) {
    return Job.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setPool(pool)
        .setPriority(priority)
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.ofEpochMilli(NOW))
        .setDueAt(Instant.ofEpochMilli(dueAt))
        .build();
  }
}

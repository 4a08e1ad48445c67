package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.control.CancelledJobs;
import dev.runex.topology.monitoring.TaskSizeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The quota gate's waiting jobs over a real (in-memory) key-value store. */
class WaitingQueueTest {
  private static final TaskId TASK = new TaskId(0, 0);

  private final RunexTopics topics = TestConfigs.topics(TestConfigs.config());
  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TaskSizeGauge gauge = TaskSizeGauge.register(meters, RunexMeters.QUOTA_WAITING);
  private final KeyValueStore<String, Job> store =
      store("quota-waiting", topics.admission().valueSerde());
  private final KeyValueStore<String, ControlCommand> commands =
      store("control-commands", topics.control().valueSerde());

  @AfterEach
  void close() {
    store.close();
    commands.close();
  }

  @Test
  void theNextJobIsTheHighestPriorityThenTheOldestAcrossTheTenantsTypes() {
    // given
    WaitingQueue queue = WaitingQueue.open(store, gauge, TASK);
    queue.add(job("n1", "echo", JobPriority.NORMAL), 1);
    queue.add(job("n2", "resize", JobPriority.NORMAL), 2);
    queue.add(job("h1", "resize", JobPriority.HIGH), 3);
    queue.add(job("n3", "echo", JobPriority.NORMAL), 4);

    // when
    StringBuilder order = new StringBuilder();
    KeyValue<WaitingKey, Job> next;
    while ((next = queue.next("acme", type -> true)) != null) {
      queue.removeHead(next.key);
      order.append(next.value.getId()).append(' ');
    }

    // then
    assertThat(order.toString().trim()).isEqualTo("h1 n1 n2 n3");
    assertThat(queue.size()).isZero();
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void aTypeThatMayNotStartIsPassedOverNotWaitedFor() {
    // given
    WaitingQueue queue = WaitingQueue.open(store, gauge, TASK);
    queue.add(job("r1", "resize", JobPriority.HIGH), 1);
    queue.add(job("e1", "echo", JobPriority.LOW), 2);

    // when
    KeyValue<WaitingKey, Job> next = queue.next("acme", type -> !type.equals("resize"));

    // then
    assertThat(next.value.getId()).isEqualTo("e1");
    assertThat(queue.waiting("acme", "resize")).isEqualTo(1);
  }

  @Test
  void reopeningCountsWhatTheStoreHolds() {
    // given
    WaitingQueue first = WaitingQueue.open(store, gauge, TASK);
    first.add(job("a", "echo", JobPriority.NORMAL), 1);
    first.add(job("b", "resize", JobPriority.LOW), 2);
    first.close();

    // when
    WaitingQueue reopened = WaitingQueue.open(store, gauge, TASK);

    // then
    assertThat(reopened.size()).isEqualTo(2);
    assertThat(reopened.tenants()).containsExactly("acme");
    assertThat(reopened.waiting("acme", "resize")).isEqualTo(1);
    assertThat(gauge.total()).isEqualTo(2);
    assertThat(reopened.next("acme", type -> true).value.getId()).isEqualTo("a");
  }

  @Test
  void newlyCancelledJobsLeaveTheQueueOnce() {
    // given
    WaitingQueue queue = WaitingQueue.open(store, gauge, TASK);
    queue.add(job("a", "echo", JobPriority.NORMAL), 1);
    queue.add(job("b", "echo", JobPriority.NORMAL), 2);
    CancelledJobs cancels = new CancelledJobs(commands);
    commands.put(
        ControlTargets.job("a"),
        ControlTargets.command(
            ControlTargets.job("a"), ControlAction.CANCEL, "ops", null, Instant.EPOCH));

    // when
    var first = queue.removeNewlyCancelled(cancels);
    var second = queue.removeNewlyCancelled(cancels);

    // then
    assertThat(first).extracting(Job::getId).containsExactly("a");
    assertThat(second).isEmpty();
    assertThat(queue.waiting("acme", "echo")).isEqualTo(1);
    assertThat(gauge.total()).isEqualTo(1);
  }

  private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
    KeyValueStore<String, V> s =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled()
            .withCachingDisabled()
            .build();
    s.init(context.getStateStoreContext(), s);
    return s;
  }

  private static Job job(String id, String type, JobPriority priority) {
    return Job.newBuilder()
        .setId(id)
        .setType(type)
        .setTenant("acme")
        .setPool("default")
        .setPriority(priority)
        .setParams(Map.of())
        .setPartitionKey(id)
        .setAttempt(1)
        .setMaxAttempts(3)
        .setTimeoutMs(30_000)
        .setSubmittedAt(Instant.EPOCH)
        .setDueAt(Instant.EPOCH)
        .build();
  }
}

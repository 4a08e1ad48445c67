package dev.runex.workers.internal.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.control.ControlTargets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlTableReaderTest {
  private static final String TOPIC = "runex.control";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final String TARGET = "pool:default";
  private static final Deserializer<ControlCommand> PAUSE =
      (topic, bytes) ->
          ControlTargets.command(TARGET, ControlAction.PAUSE, "test", null, Instant.now());

  private final CountingConsumer following = new CountingConsumer();
  private final CountingConsumer ends = new CountingConsumer();
  private final ControlTable table = new ControlTable();
  private ControlTableReader reader;

  @AfterEach
  void close() {
    if (reader != null) {
      reader.close();
    }
  }

  @Test
  void freshnessAsksTheEndOffsetsOnTheClientThatDoesNotFetch() throws Exception {
    // a broker answers a connection's requests in order: end offsets asked on the following
    // consumer would wait behind its long-polling fetch
    for (CountingConsumer c : List.of(following, ends)) {
      c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
      c.updateBeginningOffsets(Map.of(TP, 0L));
      c.updateEndOffsets(Map.of(TP, 0L));
    }
    reader = new ControlTableReader(following, ends, TOPIC, PAUSE, table);
    reader.start();
    assertThat(table.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();

    // a pause written after the catch-up: the ends client sees it at once, the fetch brings it
    ends.updateEndOffsets(Map.of(TP, 1L));
    following.schedulePollTask(
        () -> following.addRecord(new ConsumerRecord<>(TOPIC, 0, 0L, TARGET, new byte[] {1})));
    long fetchedAt = System.nanoTime();
    table.requireFreshAsOf(fetchedAt);

    await().atMost(Duration.ofSeconds(10)).until(() -> table.isFreshAsOf(fetchedAt));
    assertThat(table.isPaused(TARGET)).isTrue();
    assertThat(ends.endOffsetsAsked.get()).isGreaterThanOrEqualTo(2); // catch-up and refresh
    assertThat(following.endOffsetsAsked.get()).isZero();
  }

  @Test
  void oneClientServesBothWhereNoFetchCanHoldItsRequestsBack() throws Exception {
    following.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    following.updateBeginningOffsets(Map.of(TP, 0L));
    following.updateEndOffsets(Map.of(TP, 1L));
    following.schedulePollTask(
        () -> following.addRecord(new ConsumerRecord<>(TOPIC, 0, 0L, TARGET, new byte[] {1})));
    reader = new ControlTableReader(following, following, TOPIC, PAUSE, table);
    reader.start();

    assertThat(table.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
    assertThat(table.isPaused(TARGET)).isTrue();
    reader.close();
    reader = null;
    assertThat(following.closed()).isTrue();
  }

  private static final class CountingConsumer extends MockConsumer<String, byte[]> {
    final AtomicInteger endOffsetsAsked = new AtomicInteger();

    CountingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized Map<TopicPartition, Long> endOffsets(
        Collection<TopicPartition> partitions) {
      endOffsetsAsked.incrementAndGet();
      return super.endOffsets(partitions);
    }
  }
}

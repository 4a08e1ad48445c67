package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.workers.testing.TestConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The broker stand-in fetches as Kafka's consumer does: each poll returns a partition's records
 * from the consumer's position on, in offset order, and a seek moves where the next poll starts
 * (see {@code KafkaConsumer#seek}). The worker takes a jump in offsets for records that are not
 * jobs (transaction markers), so a stand-in that skipped records would make it commit past jobs it
 * never ran.
 */
class FakeKafkaTest {
  private static final String TOPIC = "runex.scheduled.default";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  private final FakeKafka kafka =
      new FakeKafka(TestConfig.topics(TestConfig.config(Map.of())), TOPIC, 1);

  @Test
  void aSeekBackRefetchesFromTheOffsetSoughtEvenPastARecordAppendedWhileThePartitionWasPaused() {
    // given: offsets 0 to 2 fetched, then 3 appended while the partition is paused (as while a
    // worker replaces a lost producer)
    kafka.consumer.assign(List.of(P0));
    append("a", "b");
    assertThat(fetchedOffsets()).containsExactly(0L, 1L);
    append("c");
    assertThat(fetchedOffsets()).containsExactly(2L);
    kafka.consumer.pause(List.of(P0));
    append("d");
    assertThat(fetchedOffsets()).isEmpty();

    // when: the consumer goes back to offset 2 (its last commit) and fetches again
    kafka.consumer.seek(P0, 2);
    kafka.consumer.resume(List.of(P0));

    // then: everything from offset 2 on, in order, and the position past it
    assertThat(fetchedOffsets()).containsExactly(2L, 3L);
    assertThat(kafka.consumer.position(P0)).isEqualTo(4);
    assertThat(fetchedOffsets()).isEmpty();
  }

  @Test
  void aPartitionAssignedByARebalanceIsFetchedFromItsBeginningWhenNothingWasCommitted() {
    append("a", "b");
    kafka.consumer.subscribe(List.of(TOPIC));
    kafka.assign(List.of(P0));

    assertThat(fetchedOffsets()).containsExactly(0L, 1L);
  }

  private void append(String... values) {
    for (String v : values) {
      kafka.appendRaw(0, v, v.getBytes(StandardCharsets.UTF_8));
    }
  }

  private List<Long> fetchedOffsets() {
    return StreamSupport.stream(kafka.consumer.poll(Duration.ZERO).spliterator(), false)
        .map(ConsumerRecord::offset)
        .toList();
  }
}

package dev.runex.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The barrier against stand-in offsets: intake of two partitions, the topology's commits on it, and
 * how far the gateway has read the lifecycle records.
 */
class IntakeBarrierTest {
  private static final TopicPartition I0 = new TopicPartition("intake", 0);
  private static final TopicPartition I1 = new TopicPartition("intake", 1);
  private static final TopicPartition E0 = new TopicPartition("events", 0);

  private final Map<TopicPartition, Long> intakeEnds = new HashMap<>(Map.of(I0, 10L, I1, 0L));
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<TopicPartition, Long> eventsEnds = new HashMap<>(Map.of(E0, 100L));
  private final Map<TopicPartition, Long> eventsRead = new HashMap<>();
  private final AtomicInteger commitsAsked = new AtomicInteger();
  private boolean kafkaDown;
  private long nanos;

  private final IntakeBarrier barrier =
      new IntakeBarrier(
          new IntakeBarrier.Offsets() {
            @Override
            public Map<TopicPartition, Long> ends(String topic) {
              down();
              return Map.copyOf(topic.equals("intake") ? intakeEnds : eventsEnds);
            }

            @Override
            public Map<TopicPartition, Long> committed(String group, String topic) {
              down();
              assertThat(group).isEqualTo("runex-topology");
              assertThat(topic).isEqualTo("intake");
              commitsAsked.incrementAndGet();
              return Map.copyOf(committed);
            }
          },
          "intake",
          "events",
          "runex-topology",
          marks -> IntakeBarrier.reached(eventsRead, marks),
          () -> nanos,
          null);

  private void down() {
    if (kafkaDown) {
      throw new IllegalStateException("no broker");
    }
  }

  private void later() {
    nanos += JobQueries.FOLD_POLL.toNanos();
  }

  @Test
  void crossedOnceTheTopologyReadIntakeAsFarAsItReachedAndTheGatewayTheEventsWrittenUntilThen() {
    JobQueries.ReadBarrier.Crossing crossing = barrier.begin();
    // written after the read began: not waited for
    intakeEnds.put(I0, 20L);

    committed.put(I0, 9L);
    assertThat(crossing.crossed()).as("one record of intake not read yet").isFalse();

    // the topology commits its reading of intake with the events it wrote in the same transaction
    later();
    committed.put(I0, 10L);
    eventsEnds.put(E0, 120L);
    eventsRead.put(E0, 110L);
    assertThat(crossing.crossed()).as("the events written with that commit not read yet").isFalse();

    eventsRead.put(E0, 120L);
    assertThat(crossing.crossed()).isTrue();
  }

  @Test
  void theEventsAreMarkedWhenIntakeIsPassedNotWhenTheReadBegins() {
    JobQueries.ReadBarrier.Crossing crossing = barrier.begin();
    eventsRead.put(E0, 100L);
    committed.put(I0, 10L);
    eventsEnds.put(E0, 130L); // the topology's transaction of the job wrote these

    assertThat(crossing.crossed()).isFalse();
    eventsRead.put(E0, 130L);
    assertThat(crossing.crossed()).isTrue();
  }

  @Test
  void aPartitionWithNothingWrittenNeedsNoCommit() {
    intakeEnds.put(I0, 0L);

    JobQueries.ReadBarrier.Crossing crossing = barrier.begin();
    eventsRead.put(E0, 100L);

    assertThat(crossing.crossed()).isTrue();
  }

  @Test
  void theTopologysCommitsAreAskedOncePerPollForAllWaitingReads() {
    JobQueries.ReadBarrier.Crossing a = barrier.begin();
    JobQueries.ReadBarrier.Crossing b = barrier.begin();

    a.crossed();
    b.crossed();
    a.crossed();
    assertThat(commitsAsked).hasValue(1);

    later();
    b.crossed();
    assertThat(commitsAsked).hasValue(2);
  }

  @Test
  void aCommitSeenBeforeAReadBeganCountsOnlyForWhatItCovers() {
    committed.put(I0, 10L);
    barrier.begin().crossed(); // the commits are remembered for a poll
    intakeEnds.put(I0, 11L);

    JobQueries.ReadBarrier.Crossing crossing = barrier.begin();
    committed.put(I0, 11L);

    assertThat(crossing.crossed()).as("the remembered commit is older than the mark").isFalse();
    later();
    eventsRead.put(E0, 100L);
    assertThat(crossing.crossed()).isTrue();
  }

  @Test
  void whenKafkaDoesNotAnswerTheReadDoesNotWait() {
    kafkaDown = true;
    assertThat(barrier.begin().crossed()).as("intake not marked").isTrue();

    kafkaDown = false;
    JobQueries.ReadBarrier.Crossing crossing = barrier.begin();
    kafkaDown = true;
    later();
    assertThat(crossing.crossed()).as("commits not told").isTrue();
  }

  @Test
  void reachedMeansAtOrPastEveryMark() {
    assertThat(IntakeBarrier.reached(Map.of(I0, 5L), Map.of(I0, 5L, I1, 0L))).isTrue();
    assertThat(IntakeBarrier.reached(Map.of(I0, 5L), Map.of(I0, 5L, I1, 1L))).isFalse();
    assertThat(IntakeBarrier.reached(Map.of(I0, 4L), Map.of(I0, 5L))).isFalse();
  }
}

package dev.runex.workers.internal.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowControlTest {
  private final FlowControl<String> flow = new FlowControl<>(100, 1_000);

  @Test
  void pausesOnlyPartitionsThatRanTooFarAheadOfTheirCommitPoint() {
    assertThat(flow.partitionsToPause(10, Map.of("p0", 999L, "p1", 1_000L))).containsExactly("p1");
  }

  @Test
  void pausesEverythingWhenTheBufferOverflowsAndResumesBelowHalf() {
    Map<String, Long> spans = Map.of("p0", 0L, "p1", 0L);

    assertThat(flow.partitionsToPause(101, spans)).containsExactlyInAnyOrder("p0", "p1");
    assertThat(flow.partitionsToPause(51, spans)).as("still above half").hasSize(2);
    assertThat(flow.partitionsToPause(50, spans)).isEmpty();
    assertThat(flow.backPressured()).isFalse();
  }

  @Test
  void aFullWorkerPausesOnceItHoldsEnoughToStartTheNextJobs() {
    FlowControl<String> bounded = new FlowControl<>(100, 1_000, 4);
    Map<String, Long> spans = Map.of("p0", 0L, "p1", 0L);

    assertThat(bounded.partitionsToPause(3, true, spans)).as("full, but little buffered").isEmpty();
    assertThat(bounded.partitionsToPause(4, true, spans)).containsExactlyInAnyOrder("p0", "p1");
    assertThat(bounded.backPressured()).isTrue();
    assertThat(bounded.partitionsToPause(4, false, spans)).as("a slot freed up").isEmpty();
    assertThat(bounded.partitionsToPause(60, false, spans))
        .as("not full: the large buffer applies")
        .isEmpty();
  }

  @Test
  void aFullWorkerWithALowBacklogKeepsFetchingHighPriorityPartitions() {
    // given: 4 low records buffered, none high; the worker is full
    FlowControl<String> bounded = new FlowControl<>(100, 1_000, 4);
    Map<String, Long> spans = Map.of("high-0", 0L, "normal-0", 0L, "low-0", 0L);
    Map<String, Integer> bufferedAhead = Map.of("high-0", 0, "normal-0", 0, "low-0", 4);

    // when
    var paused = bounded.partitionsToPause(4, true, spans, bufferedAhead::get);

    // then: only the low partition waits; high and normal records would start before the backlog
    assertThat(paused).containsExactly("low-0");
    assertThat(bounded.backPressured()).isTrue();
  }

  @Test
  void highPriorityPartitionsPauseOnceHighRecordsAloneFillTheBufferOrItOverflows() {
    FlowControl<String> bounded = new FlowControl<>(10, 1_000, 4);
    Map<String, Long> spans = Map.of("high-0", 0L, "low-0", 0L);

    assertThat(bounded.partitionsToPause(4, true, spans, p -> 4))
        .containsExactlyInAnyOrder("high-0", "low-0");
    assertThat(bounded.partitionsToPause(11, false, spans, p -> p.startsWith("high") ? 0 : 11))
        .as("overflow pauses every partition")
        .containsExactlyInAnyOrder("high-0", "low-0");
  }
}

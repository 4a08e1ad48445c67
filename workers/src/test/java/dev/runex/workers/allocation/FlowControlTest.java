package dev.runex.workers.allocation;

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
    assertThat(bounded.partitionsToPause(60, false, spans)).as("not full: the large buffer applies").isEmpty();
  }
}

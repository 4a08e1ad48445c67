package dev.runex.monitoring.backlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BacklogSampleTest {

  @Test
  void waitingCountsReadRecordsAndEstimatesOnlyWhatLiesBeyondTheRead() {
    // read all: 3 records between offsets 10 and 16 (the other offsets were transaction markers)
    assertThat(new PartitionBacklog(10, 16, true, 3, 16, OptionalLong.of(1L)).waiting())
        .isEqualTo(3);
    // read one fetch of 100 records up to offset 250, the log ends at 1,000
    assertThat(new PartitionBacklog(100, 1_000, true, 100, 250, OptionalLong.of(1L)).waiting())
        .isEqualTo(850);
    // not read in time: the offset lag
    assertThat(PartitionBacklog.unread(100, 1_000).waiting()).isEqualTo(900);
    // only markers after the committed offset
    assertThat(new PartitionBacklog(10, 12, true, 0, 12, OptionalLong.empty()).waiting()).isZero();
    assertThat(PartitionBacklog.caughtUp(7, 7).waiting()).isZero();
  }

  @Test
  void combinesPartitionsAndAgesFromTheOldestHead() {
    // given
    List<PartitionBacklog> parts =
        List.of(
            new PartitionBacklog(0, 4, true, 4, 4, OptionalLong.of(50_000)),
            new PartitionBacklog(7, 9, true, 2, 9, OptionalLong.of(20_000)),
            PartitionBacklog.caughtUp(3, 3));

    // when
    BacklogSample s = BacklogSample.of(parts, new DrainRate(60_000), 80_000);

    // then
    assertThat(s.waiting()).isEqualTo(6);
    assertThat(s.offsetLag()).isEqualTo(6);
    assertThat(s.oldestDueMillis()).hasValue(20_000);
    assertThat(s.oldestAgeSeconds(80_000)).isEqualTo(60.0);
    assertThat(s.oldestAgeSeconds(95_000)).as("grows between samples").isEqualTo(75.0);
    assertThat(s.drainSeconds()).as("no rate yet").isNaN();
  }

  @Test
  void nothingWaitingIsAgeZeroAndDrainZero() {
    BacklogSample s =
        BacklogSample.of(List.of(PartitionBacklog.caughtUp(5, 5)), new DrainRate(60_000), 1_000);

    assertThat(s.waiting()).isZero();
    assertThat(s.oldestAgeSeconds(2_000)).isZero();
    assertThat(s.drainSeconds()).isZero();
  }

  @Test
  void jobDueInTheFutureHasAgeZero() {
    BacklogSample s =
        BacklogSample.of(
            List.of(new PartitionBacklog(0, 1, true, 1, 1, OptionalLong.of(10_000))),
            new DrainRate(60_000),
            1_000);

    assertThat(s.oldestAgeSeconds(1_000)).isZero();
  }
}

package dev.runex.workers.internal.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.workers.internal.offsets.OffsetTracker.Admission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  @Test
  void commitPointIsTheLowestUnfinishedOffsetInAnyCompletionOrder() {
    Random random = new Random(1);
    for (int round = 0; round < 100; round++) {
      // given offsets with gaps (transaction markers) fetched in order
      OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(1_000));
      List<Long> offsets = new ArrayList<>();
      long o = 1_000;
      for (int i = 0; i < 300; i++) {
        offsets.add(o);
        assertThat(tracker.admit(o)).isEqualTo(Admission.RUN);
        o += 1 + (random.nextInt(10) == 0 ? 1 : 0);
      }
      List<Long> order = new ArrayList<>(offsets);
      Collections.shuffle(order, random);
      TreeSet<Long> unfinished = new TreeSet<>(offsets);

      // when they finish in random order, then the commit point is always the lowest unfinished
      for (long done : order) {
        tracker.finish(done);
        unfinished.remove(done);
        long expected =
            unfinished.isEmpty() ? offsets.get(offsets.size() - 1) + 1 : unfinished.first();
        assertThat(tracker.commitPoint()).isEqualTo(expected);
      }
    }
  }

  @Test
  void restoredTrackerSkipsExactlyTheOffsetsFinishedBeforeTheCrash() {
    // given a worker that finished random offsets above its commit point and committed them
    Random random = new Random(3);
    OffsetTracker before = OffsetTracker.restore(new OffsetAndMetadata(500));
    for (long o = 500; o < 2_500; o++) {
      before.admit(o);
    }
    TreeSet<Long> finished = new TreeSet<>();
    for (long o = 501; o < 2_500; o++) {
      if (random.nextInt(3) > 0) {
        before.finish(o);
        finished.add(o);
      }
    }
    OffsetAndMetadata commit = before.toCommit();
    assertThat(commit.offset()).isEqualTo(500);

    // when another worker restores the partition from that commit and refetches it
    OffsetTracker after = OffsetTracker.restore(commit);
    List<Long> skipped = new ArrayList<>();
    for (long o = 500; o < 2_500; o++) {
      if (after.admit(o) == Admission.ALREADY_FINISHED) {
        skipped.add(o);
      }
    }

    // then it skips exactly the finished ones and runs the rest
    assertThat(skipped).containsExactlyElementsOf(finished);
    assertThat(after.pendingCount()).isEqualTo(2_000 - finished.size());
  }

  @Test
  void commitPointMovesOverRestoredFinishedOffsetsNotYetRefetched() {
    OffsetTracker tracker =
        OffsetTracker.restore(new OffsetAndMetadata(10, encode(10, 11, 12, 14)));

    tracker.admit(10);
    tracker.finish(10);

    // 11 and 12 finished before; 13 is the next unknown offset
    assertThat(tracker.commitPoint()).isEqualTo(13);
    assertThat(CompletedOffsetsCodec.decode(13, tracker.toCommit().metadata()))
        .containsExactly(14L);
  }

  @Test
  void offsetsBelowTheLastCommitAreFinished() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(10, encode(10, 11)));
    tracker.admit(10);
    tracker.finish(10);
    tracker.committed(tracker.toCommit());

    assertThat(tracker.commitPoint()).isEqualTo(12);
    assertThat(tracker.admit(11)).isEqualTo(Admission.ALREADY_FINISHED);
    assertThat(tracker.admit(12)).isEqualTo(Admission.RUN);
  }

  @Test
  void whatFinishedWhileACommitRanIsStillToCommitAfterIt() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(0));
    for (long o = 0; o < 4; o++) {
      tracker.admit(o);
    }
    tracker.finish(0);
    OffsetAndMetadata running = tracker.toCommit();
    tracker.finish(1);
    tracker.finish(3);

    tracker.committed(running);

    assertThat(tracker.toCommit()).isNotNull();
    assertThat(tracker.toCommit().offset()).isEqualTo(2);
    assertThat(CompletedOffsetsCodec.decode(2, tracker.toCommit().metadata())).containsExactly(3L);
    tracker.committed(tracker.toCommit());
    assertThat(tracker.toCommit()).as("nothing new after the second commit").isNull();
  }

  @Test
  void freshPartitionStartsAtItsFirstFetchedOffset() {
    OffsetTracker tracker = OffsetTracker.fresh();
    assertThat(tracker.commitPoint()).isEqualTo(-1);
    assertThat(tracker.toCommit()).isNull();

    tracker.admit(42);

    assertThat(tracker.commitPoint()).isEqualTo(42);
    assertThat(tracker.resumeOffset()).isEqualTo(42);
  }

  @Test
  void hasNothingToCommitUntilSomethingFinishes() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(5));
    tracker.admit(5);
    assertThat(tracker.toCommit()).isNull();

    tracker.finish(5);

    assertThat(tracker.toCommit()).isEqualTo(new OffsetAndMetadata(6, ""));
  }

  @Test
  void rewindReturnsToTheLastCommitAndForgetsLaterCompletions() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(0));
    for (long o = 0; o < 10; o++) {
      tracker.admit(o);
    }
    tracker.finish(0);
    tracker.finish(2);
    OffsetAndMetadata commit = tracker.toCommit();
    tracker.committed(commit);
    tracker.finish(1);
    tracker.finish(5);

    OffsetTracker rewound = tracker.rewound();

    assertThat(rewound.resumeOffset()).isEqualTo(1);
    assertThat(rewound.admit(1)).isEqualTo(Admission.RUN);
    assertThat(rewound.admit(2)).isEqualTo(Admission.ALREADY_FINISHED);
    assertThat(rewound.admit(5)).isEqualTo(Admission.RUN);
  }

  @Test
  void spanCountsOffsetsFetchedBeyondTheCommitPoint() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(100));
    for (long o = 100; o < 200; o++) {
      tracker.admit(o);
    }
    assertThat(tracker.span()).isEqualTo(100);

    for (long o = 100; o < 150; o++) {
      tracker.finish(o);
    }

    assertThat(tracker.span()).isEqualTo(50);
  }

  @Test
  void positionPastTrailingMarkersMovesAnIdleCommitPoint() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(0));
    tracker.admit(0);
    tracker.finish(0);
    tracker.committed(tracker.toCommit());

    tracker.observePosition(2);

    assertThat(tracker.toCommit()).isEqualTo(new OffsetAndMetadata(2, ""));
  }

  @Test
  void duplicateFetchIsReportedInProgress() {
    OffsetTracker tracker = OffsetTracker.restore(new OffsetAndMetadata(0));
    tracker.admit(0);

    assertThat(tracker.admit(0)).isEqualTo(Admission.IN_PROGRESS);
  }

  private static String encode(long base, long... finished) {
    return CompletedOffsetsCodec.encode(base, finished);
  }
}

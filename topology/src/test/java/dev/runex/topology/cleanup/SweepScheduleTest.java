package dev.runex.topology.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.junit.jupiter.api.Test;

class SweepScheduleTest {
  private static final Duration INTERVAL = Duration.ofMinutes(1);

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();

  /** What each sweep answers, in order: whether it took a full batch. */
  private final Deque<Boolean> full = new ArrayDeque<>();

  private int sweeps;

  @Test
  void sweepsOncePerIntervalWhileRunsTakeLessThanABatch() {
    // given
    SweepSchedule.start(context, INTERVAL, this::sweep);

    // when
    regular().getPunctuator().punctuate(60_000);
    regular().getPunctuator().punctuate(120_000);

    // then: nothing but the interval's punctuator, so an idle task commits once per interval
    assertThat(sweeps).isEqualTo(2);
    assertThat(context.scheduledPunctuators())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getInterval()).isEqualTo(INTERVAL);
              assertThat(p.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
            });
  }

  @Test
  void sweepsEverySecondWhileRunsTakeFullBatchesThenStops() {
    // given two full batches due, then less than one
    SweepSchedule.start(context, INTERVAL, this::sweep);
    full.addAll(List.of(true, true, false));

    // when: the interval's run finds a full batch
    regular().getPunctuator().punctuate(60_000);

    // then a catch-up run is scheduled every second
    CapturedPunctuator catchUp = context.scheduledPunctuators().get(1);
    assertThat(catchUp.getInterval()).isEqualTo(SweepSchedule.CATCH_UP);

    // when: it finds a full batch, then less
    catchUp.getPunctuator().punctuate(61_000);
    boolean cancelledAfterFull = catchUp.cancelled();
    catchUp.getPunctuator().punctuate(62_000);

    // then it stops once caught up
    assertThat(cancelledAfterFull).isFalse();
    assertThat(catchUp.cancelled()).isTrue();
    assertThat(sweeps).isEqualTo(3);

    // and a later full batch starts another
    full.add(true);
    regular().getPunctuator().punctuate(120_000);
    assertThat(context.scheduledPunctuators()).hasSize(3);
    assertThat(context.scheduledPunctuators().get(2).cancelled()).isFalse();
  }

  private CapturedPunctuator regular() {
    return context.scheduledPunctuators().get(0);
  }

  private boolean sweep(long now) {
    sweeps++;
    return !full.isEmpty() && full.poll();
  }
}

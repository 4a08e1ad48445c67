package dev.runex.topology.cleanup;

import java.time.Duration;
import java.util.function.LongPredicate;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Runs a retention sweep from a processor's wall-clock punctuator: once per interval, and again
 * every {@link #CATCH_UP} while runs take a full batch (more was due than one run deletes). A sweep
 * capped at a batch per interval deletes at most that batch per interval, however fast entries come
 * due: at a sustained rate above it, the store it cleans grows without bound. The catch-up
 * punctuator exists only while a sweep is behind: every punctuation makes its task commit, so an
 * idle application keeps to one per interval.
 */
public final class SweepSchedule {
  /** How soon a sweep that took a full batch runs again. */
  public static final Duration CATCH_UP = Duration.ofSeconds(1);

  private final ProcessorContext<?, ?> context;
  private final LongPredicate sweep;
  private Cancellable catchUp;

  private SweepSchedule(ProcessorContext<?, ?> context, LongPredicate sweep) {
    this.context = context;
    this.sweep = sweep;
  }

  /**
   * Schedules {@code sweep} on {@code context}'s wall clock every {@code interval}; it is given the
   * time and answers whether it took a full batch.
   */
  public static void start(ProcessorContext<?, ?> context, Duration interval, LongPredicate sweep) {
    SweepSchedule s = new SweepSchedule(context, sweep);
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, s::regular);
  }

  private void regular(long now) {
    if (sweep.test(now) && catchUp == null) {
      catchUp = context.schedule(CATCH_UP, PunctuationType.WALL_CLOCK_TIME, this::catchingUp);
    }
  }

  private void catchingUp(long now) {
    if (!sweep.test(now)) {
      catchUp.cancel();
      catchUp = null;
    }
  }
}

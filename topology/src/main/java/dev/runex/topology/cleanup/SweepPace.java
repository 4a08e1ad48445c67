package dev.runex.topology.cleanup;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * When a retention sweep runs: once per interval, and again at the next tick while its last run
 * took a full batch (more was due than one run deletes). A sweep capped at a batch per interval
 * deletes at most that batch per interval, however fast entries come due: at a sustained rate above
 * it, the store it cleans grows without bound. Its punctuator calls {@link #tick} every {@link
 * #TICK}; a tick with nothing due costs one look at the time.
 */
public final class SweepPace {
  /** How often a sweep's punctuator looks whether the sweep is due. */
  public static final Duration TICK = Duration.ofSeconds(1);

  private final long intervalMs;
  private long next;

  /** The first sweep is due one {@code interval} after {@code start}. */
  public SweepPace(Duration interval, long start) {
    this.intervalMs = interval.toMillis();
    this.next = start + intervalMs;
  }

  /**
   * Runs {@code sweep} when due at {@code now}; it answers whether it took a full batch, and then
   * it runs again at the next tick, otherwise after the interval.
   */
  public void tick(long now, BooleanSupplier sweep) {
    if (now < next) {
      return;
    }
    next = sweep.getAsBoolean() ? now : now + intervalMs;
  }
}

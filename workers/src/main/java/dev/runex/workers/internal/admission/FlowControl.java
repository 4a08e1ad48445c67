package dev.runex.workers.internal.admission;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Decides which partitions the consumer must not fetch from. Three limits: the records fetched but
 * not started ({@code runex.worker.maxBufferedRecords}: above it every partition pauses, and they
 * resume once the buffer has drained below half, so fetching does not flap); while the worker is
 * full (every slot busy, or a job waiting for memory) a much smaller buffer, {@code fullBuffer}
 * records — enough to start the next jobs the moment room appears, no more; and per partition how
 * far fetching ran ahead of the commit point ({@code runex.worker.maxUncommittedOffsets}: that
 * window bounds the commit metadata). Pausing leaves records in the log, so key order and offset
 * tracking are untouched.
 *
 * <p>With priorities, the "full" limit is taken per partition over the buffered records that would
 * start before that partition's next one (its priority and higher): a backlog of fetched
 * low-priority records pauses the low and normal partitions, while the high ones keep fetching
 * until high records alone fill the small buffer. New high work is thus seen at the next poll, not
 * after the low backlog has drained.
 *
 * @param <P> partition identifier
 */
public final class FlowControl<P> {
  private final int maxBuffered;
  private final long maxUncommitted;
  private final int fullBuffer;
  private boolean overflowed;
  private boolean backPressured;

  public FlowControl(int maxBuffered, long maxUncommitted) {
    this(maxBuffered, maxUncommitted, maxBuffered);
  }

  /**
   * With {@code fullBuffer}: the buffer allowed while the worker is full (at most {@code
   * maxBuffered}).
   */
  public FlowControl(int maxBuffered, long maxUncommitted, int fullBuffer) {
    if (maxBuffered < 1 || maxUncommitted < 1 || fullBuffer < 1) {
      throw new IllegalArgumentException(
          "limits must be >= 1, were "
              + maxBuffered
              + ", "
              + maxUncommitted
              + " and "
              + fullBuffer);
    }
    this.maxBuffered = maxBuffered;
    this.maxUncommitted = maxUncommitted;
    this.fullBuffer = Math.min(fullBuffer, maxBuffered);
  }

  /**
   * The partitions to keep paused.
   *
   * @param buffered records fetched and not started
   * @param spans per assigned partition, offsets fetched beyond its commit point
   */
  public Set<P> partitionsToPause(int buffered, Map<P, Long> spans) {
    return partitionsToPause(buffered, false, spans);
  }

  /**
   * The partitions to keep paused.
   *
   * @param buffered records fetched and not started
   * @param full whether the worker cannot start another job now (no free slot, or one waits for
   *     memory)
   * @param spans per assigned partition, offsets fetched beyond its commit point
   */
  public Set<P> partitionsToPause(int buffered, boolean full, Map<P, Long> spans) {
    return partitionsToPause(buffered, full, spans, p -> buffered);
  }

  /**
   * The partitions to keep paused, with priorities.
   *
   * @param buffered records fetched and not started
   * @param full whether the worker cannot start another job now (no free slot, or one waits for
   *     memory)
   * @param spans per assigned partition, offsets fetched beyond its commit point
   * @param bufferedAhead per partition, the buffered records that start before its next one (those
   *     of its own priority and higher)
   */
  public Set<P> partitionsToPause(
      int buffered, boolean full, Map<P, Long> spans, ToIntFunction<P> bufferedAhead) {
    if (buffered > maxBuffered) {
      overflowed = true;
    } else if (overflowed && buffered <= maxBuffered / 2) {
      overflowed = false;
    }
    // no hysteresis needed here: "full" ends when a job finishes, and then fetching should resume
    // at once
    backPressured = overflowed || (full && buffered >= fullBuffer);
    if (overflowed) {
      return new HashSet<>(spans.keySet());
    }
    Set<P> paused = new HashSet<>();
    spans.forEach(
        (partition, span) -> {
          if (span >= maxUncommitted
              || (full && bufferedAhead.applyAsInt(partition) >= fullBuffer)) {
            paused.add(partition);
          }
        });
    return paused;
  }

  public boolean backPressured() {
    return backPressured;
  }
}

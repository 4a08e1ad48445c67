package dev.runex.bench.delayed;

import dev.runex.bench.measure.Percentiles;
import java.util.Collection;

/**
 * How late delayed jobs started and finished, against the time each was due: start − due (the
 * worker's {@code startedAt}) and result − due (when a read_committed reader saw the result), in
 * milliseconds, and how many started before they were due — which the runtime must never do.
 *
 * @param start start − due of the jobs that started
 * @param result result − due of every job with a result
 * @param startedEarly jobs whose start was before their due time
 * @param notStarted jobs with a result but no start time (they never ran: not SUCCEEDED)
 * @param firstDueToLastStartMs from the earliest due time to the latest start: how long the whole
 *     load took to get going
 */
public record Lateness(
    Percentiles start,
    Percentiles result,
    int startedEarly,
    int notStarted,
    long firstDueToLastStartMs) {

  /** One job's times, epoch milliseconds; {@code startedMs} is null when it never started. */
  public record Sample(long dueMs, Long startedMs, long resultMs) {}

  public static Lateness of(Collection<Sample> samples) {
    long[] starts = new long[samples.size()];
    long[] results = new long[samples.size()];
    int started = 0;
    int early = 0;
    int i = 0;
    long firstDue = Long.MAX_VALUE;
    long lastStart = Long.MIN_VALUE;
    for (Sample s : samples) {
      results[i++] = s.resultMs() - s.dueMs();
      firstDue = Math.min(firstDue, s.dueMs());
      if (s.startedMs() != null) {
        long late = s.startedMs() - s.dueMs();
        starts[started++] = late;
        if (late < 0) {
          early++;
        }
        lastStart = Math.max(lastStart, s.startedMs());
      }
    }
    return new Lateness(
        Percentiles.of(java.util.Arrays.copyOf(starts, started)),
        Percentiles.of(results),
        early,
        samples.size() - started,
        started == 0 ? 0 : lastStart - firstDue);
  }
}

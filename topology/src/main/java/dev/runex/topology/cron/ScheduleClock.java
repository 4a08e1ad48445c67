package dev.runex.topology.cron;

import dev.runex.config.CronExpression;
import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import dev.runex.schemas.ScheduleState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Decides, purely, which firings of a schedule happen: given its state and the time, it returns the
 * fire times to submit now and advances the state (next firing, the latest job, the buffered
 * firing, counters).
 *
 * <ul>
 *   <li>A firing up to {@link #GRACE} late is on time; one later than that was missed (the topology
 *       was down or behind) and the catch-up policy decides: NONE drops it, LAST keeps only the
 *       latest missed one, ALL keeps them all (the latest {@link #MAX_CATCH_UP}).
 *   <li>Each kept firing then meets the overlap policy: while the previous firing's job has no
 *       result, SKIP drops it, ALLOW fires it anyway, BUFFER holds it (one; a newer one replaces
 *       it) until that result comes ({@link #completed}).
 *   <li>A firing that will be fired when due whatever happens until then may be fired up to a lead
 *       ahead of its time ({@link #fireAhead}; its job then waits for its time in its worker).
 * </ul>
 */
public final class ScheduleClock {
  /** How late a firing may be and still count as on time (punctuation and commit delays). */
  public static final Duration GRACE = Duration.ofMinutes(1);

  public static final int MAX_CATCH_UP = 100;

  /**
   * Past this many missed firings (a fast schedule after a long outage) the rest are skipped
   * unseen.
   */
  static final int MAX_SCAN = 100_000;

  /** Where a schedule whose cron never fires again waits. */
  static final Instant NEVER = Instant.ofEpochMilli(Long.MAX_VALUE);

  private ScheduleClock() {}

  /** The fire times due at {@code now}, in order; updates {@code state}. */
  public static List<Instant> tick(ScheduleState state, Instant now) {
    if (state.getNextFireAt().isAfter(now)) {
      return List.of();
    }
    CronExpression cron = CronExpression.parse(state.getSchedule().getCron());
    ZoneId zone = ZoneId.of(state.getSchedule().getZone());
    Deque<Instant> missed = new ArrayDeque<>();
    List<Instant> onTime = new ArrayList<>();
    long unseen = 0;
    Instant t = state.getNextFireAt();
    for (int scanned = 0; t != null && !t.isAfter(now); scanned++) {
      if (scanned >= MAX_SCAN) {
        unseen++; // at least one more; how many does not matter
        t = cron.next(now, zone);
        break;
      }
      if (Duration.between(t, now).compareTo(GRACE) <= 0) {
        onTime.add(t);
      } else {
        missed.addLast(t);
        if (missed.size() > MAX_CATCH_UP) {
          missed.removeFirst();
          unseen++;
        }
      }
      t = cron.next(t, zone);
    }
    state.setNextFireAt(t == null ? NEVER : t);
    List<Instant> kept = catchUp(state.getSchedule().getCatchUp(), missed);
    state.setSkipped(state.getSkipped() + unseen + missed.size() - kept.size());
    kept.addAll(onTime);
    List<Instant> fire = new ArrayList<>();
    for (Instant at : kept) {
      if (!state.getRunning() || state.getSchedule().getOverlap() == ScheduleOverlap.ALLOW) {
        fired(state, at);
        fire.add(at);
      } else if (state.getSchedule().getOverlap() == ScheduleOverlap.BUFFER) {
        if (state.getBufferedFireAt() != null) {
          state.setSkipped(state.getSkipped() + 1);
        }
        state.setBufferedFireAt(at);
      } else {
        state.setSkipped(state.getSkipped() + 1);
      }
    }
    return fire;
  }

  /**
   * The schedule's next firing, if it falls due after {@code now} and no later than {@code lead}
   * after it and it would be fired when due whatever happens until then: the schedule's previous
   * job has its result (nothing else makes a schedule run again before that firing), or the overlap
   * policy allows overlaps. Then it is fired now, ahead of its time, and the state moves to the
   * firing after it. Otherwise (its previous job still runs and the policy may skip or hold it) the
   * firing waits for its time and {@link #tick}.
   */
  public static Optional<Instant> fireAhead(ScheduleState state, Instant now, Duration lead) {
    Instant next = state.getNextFireAt();
    if (!next.isAfter(now) || next.isAfter(now.plus(lead)) || next.equals(NEVER)) {
      return Optional.empty();
    }
    if (state.getRunning() && state.getSchedule().getOverlap() != ScheduleOverlap.ALLOW) {
      return Optional.empty();
    }
    CronExpression cron = CronExpression.parse(state.getSchedule().getCron());
    Instant after = cron.next(next, ZoneId.of(state.getSchedule().getZone()));
    state.setNextFireAt(after == null ? NEVER : after);
    fired(state, next);
    return Optional.of(next);
  }

  /**
   * A paused schedule's due firings are skipped, not submitted and not caught up later: the state
   * moves to the first firing after {@code now}; returns how many were skipped.
   */
  public static long skipPaused(ScheduleState state, Instant now) {
    if (state.getNextFireAt().isAfter(now)) {
      return 0;
    }
    CronExpression cron = CronExpression.parse(state.getSchedule().getCron());
    ZoneId zone = ZoneId.of(state.getSchedule().getZone());
    long skipped = 0;
    Instant t = state.getNextFireAt();
    for (int scanned = 0; t != null && !t.isAfter(now); scanned++) {
      skipped++;
      t = scanned >= MAX_SCAN ? cron.next(now, zone) : cron.next(t, zone);
      if (scanned >= MAX_SCAN) {
        break;
      }
    }
    state.setNextFireAt(t == null ? NEVER : t);
    state.setSkipped(state.getSkipped() + skipped);
    return skipped;
  }

  /**
   * The job {@code jobId} of this schedule has its result: the schedule is no longer running, and a
   * buffered firing, if any, fires now (its time is returned).
   */
  public static Optional<Instant> completed(ScheduleState state, String jobId) {
    if (!jobId.equals(state.getLastJobId())) {
      return Optional
          .empty(); // an older overlapping job (ALLOW), or a firing of a former definition
    }
    state.setRunning(false);
    Instant buffered = state.getBufferedFireAt();
    if (buffered == null) {
      return Optional.empty();
    }
    state.setBufferedFireAt(null);
    fired(state, buffered);
    return Optional.of(buffered);
  }

  /** The job id of a firing: deterministic, so a firing repeated by a restart is the same job. */
  public static String jobId(String schedule, Instant fireAt) {
    return schedule + "@" + fireAt;
  }

  private static void fired(ScheduleState state, Instant at) {
    state.setRunning(true);
    state.setLastJobId(jobId(state.getSchedule().getName(), at));
    state.setLastFireAt(at);
    state.setFired(state.getFired() + 1);
  }

  private static List<Instant> catchUp(ScheduleCatchUp policy, Deque<Instant> missed) {
    return switch (policy) {
      case NONE -> new ArrayList<>();
      case LAST ->
          missed.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(missed.getLast()));
      case ALL -> new ArrayList<>(missed);
    };
  }
}

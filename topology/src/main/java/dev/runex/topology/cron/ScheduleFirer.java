package dev.runex.topology.cron;

import dev.runex.config.CronExpression;
import dev.runex.monitoring.RunexMeters;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.ScheduleState;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.topology.control.ControlStore;
import dev.runex.topology.monitoring.StageCounters;
import dev.runex.topology.queueing.TimeOrderedKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules stage: fires recurring schedules.
 *
 * <ul>
 *   <li>input, keyed by schedule name (both repartitioned to the same partition count, so one task
 *       owns a schedule): definitions and deletions from {@code schedules}, and the job ids of
 *       fired jobs whose result arrived;
 *   <li>{@link #STATE} ({@code schedule-state}): name → {@code ScheduleState} (definition, next
 *       firing, latest job, buffered firing); {@link #DUE} ({@code schedule-due}): next firing time
 *       → name, so a punctuation reads only what is due;
 *   <li>a wall-clock punctuator fires what is due ({@link ScheduleClock}: catch-up and overlap
 *       policies), and a firing due within {@code runex.topology.releaseAhead} ahead of its time
 *       when nothing until then could make the overlap policy skip or hold it (its job carries its
 *       fire time as {@code notBefore}, and its worker starts it then, so the hops from here to the
 *       worker do not make it start late); a result of the latest job may release a buffered
 *       firing; a schedule paused through {@code control} ({@code schedule:<name>}, read from the
 *       global {@link ControlStore}) skips its due firings (counted as skipped) until resumed;
 *   <li>output: each firing as a {@code JobRequest} on {@code intake}, key and id {@code
 *       <name>@<fire time>} — it is validated, deduplicated and run like any submitted job.
 * </ul>
 *
 * <p>Guarantee: the state change and the intake record of a firing commit in one transaction
 * (exactly_once_v2), so a restart or rebalance neither repeats nor loses a firing; a definition
 * change keeps the next firing when the cron and zone are unchanged.
 */
public final class ScheduleFirer implements Processor<String, ScheduleInput, byte[], JobRequest> {
  public static final String STATE = "schedule-state";
  public static final String DUE = "schedule-due";

  private static final Logger log = LoggerFactory.getLogger(ScheduleFirer.class);

  /** More firings ahead than this in one punctuation (a fast schedule, a long lead) wait. */
  static final int MAX_AHEAD = 1_000;

  private final Duration punctuateInterval;
  private final Duration lead;
  private final StageCounters counters;
  private ProcessorContext<byte[], JobRequest> context;
  private KeyValueStore<String, ScheduleState> states;
  private KeyValueStore<String, String> due;
  private KeyValueStore<String, ControlCommand> control;

  /**
   * @param lead how long ahead of its time a firing may be submitted ({@code
   *     runex.topology.releaseAhead}; zero: when due)
   */
  public ScheduleFirer(Duration punctuateInterval, Duration lead, StageCounters counters) {
    this.punctuateInterval = punctuateInterval;
    this.lead = lead;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<byte[], JobRequest> context) {
    this.context = context;
    this.states = context.getStateStore(STATE);
    this.due = context.getStateStore(DUE);
    this.control = context.getStateStore(ControlStore.NAME);
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::fireDue);
  }

  @Override
  public void process(Record<String, ScheduleInput> record) {
    String name = record.key();
    if (record.value() instanceof ScheduleInput.Definition d) {
      define(name, d.schedule());
    } else if (record.value() instanceof ScheduleInput.Completed c) {
      ScheduleState state = states.get(name);
      if (state != null) {
        long skippedBefore = state.getSkipped();
        Optional<Instant> buffered = ScheduleClock.completed(state, c.jobId());
        buffered.ifPresent(at -> submit(state.getSchedule(), at, null));
        save(name, state, state.getNextFireAt(), skippedBefore);
      }
    }
  }

  private void define(String name, Schedule schedule) {
    ScheduleState before = states.get(name);
    if (schedule == null) {
      if (before != null) {
        due.delete(TimeOrderedKeys.of(before.getNextFireAt().toEpochMilli(), name));
        states.delete(name);
        log.info("Schedule {} deleted", name);
      }
      return;
    }
    ScheduleState state =
        before == null
            ? ScheduleState.newBuilder().setSchedule(schedule).setNextFireAt(Instant.EPOCH).build()
            : ScheduleState.newBuilder(before).build();
    boolean sameTimes =
        before != null
            && before.getSchedule().getCron().equals(schedule.getCron())
            && before.getSchedule().getZone().equals(schedule.getZone());
    state.setSchedule(schedule);
    if (!sameTimes) {
      Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
      Instant next =
          CronExpression.parse(schedule.getCron()).next(now, ZoneId.of(schedule.getZone()));
      state.setNextFireAt(next == null ? ScheduleClock.NEVER : next);
      log.info(
          "Schedule {} ({} in {}) fires next at {}",
          name,
          schedule.getCron(),
          schedule.getZone(),
          state.getNextFireAt());
    }
    save(name, state, before == null ? null : before.getNextFireAt(), state.getSkipped());
  }

  /**
   * Fires every schedule due by {@code now}, in due order, and those due within the lead that may
   * be fired ahead.
   */
  private void fireDue(long now) {
    Instant at = Instant.ofEpochMilli(now);
    List<String> names = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        due.range(null, TimeOrderedKeys.upTo(now + lead.toMillis()))) {
      it.forEachRemaining(kv -> names.add(kv.value));
    }
    for (String name : names) {
      ScheduleState state = states.get(name);
      if (state == null) {
        continue;
      }
      Instant previousNext = state.getNextFireAt();
      long skippedBefore = state.getSkipped();
      Instant bufferedBefore = state.getBufferedFireAt();
      if (paused(name)) {
        ScheduleClock.skipPaused(state, at); // a paused schedule fires nothing ahead either
      } else {
        for (Instant fireAt : ScheduleClock.tick(state, at)) {
          submit(state.getSchedule(), fireAt, null);
        }
        for (int n = 0; n < MAX_AHEAD; n++) {
          Optional<Instant> ahead = ScheduleClock.fireAhead(state, at, lead);
          if (ahead.isEmpty()) {
            break;
          }
          submit(state.getSchedule(), ahead.get(), ahead.get());
        }
      }
      if (state.getNextFireAt().equals(previousNext)) {
        continue; // due within the lead, and waits for its time: nothing changed
      }
      if (state.getBufferedFireAt() != null && !state.getBufferedFireAt().equals(bufferedBefore)) {
        counters.increment(RunexMeters.SCHEDULE_FIRINGS, "buffered");
      }
      save(name, state, previousNext, skippedBefore);
    }
  }

  /** Paused through the control topic ({@code schedule:<name>} PAUSE, from the global store). */
  private boolean paused(String name) {
    ControlCommand c = control.get(ControlTargets.schedule(name));
    return c != null && c.getAction() == ControlAction.PAUSE;
  }

  /** Submits a firing; {@code notBefore}: its fire time, when it is fired ahead of it. */
  private void submit(Schedule schedule, Instant fireAt, Instant notBefore) {
    JobRequest request = ScheduledJobs.request(schedule, fireAt, notBefore);
    context.forward(
        new Record<>(
            request.getId().getBytes(StandardCharsets.UTF_8),
            request,
            context.currentSystemTimeMs()));
    counters.increment(RunexMeters.SCHEDULE_FIRINGS, "fired");
    log.debug("Schedule {} fired job {}", schedule.getName(), request.getId());
  }

  /**
   * Stores the state, keeps the due index at its next firing, and counts what was skipped or
   * buffered.
   */
  private void save(String name, ScheduleState state, Instant previousNext, long skippedBefore) {
    states.put(name, state);
    if (previousNext == null || !previousNext.equals(state.getNextFireAt())) {
      if (previousNext != null) {
        due.delete(TimeOrderedKeys.of(previousNext.toEpochMilli(), name));
      }
      due.put(TimeOrderedKeys.of(state.getNextFireAt().toEpochMilli(), name), name);
    }
    for (long i = skippedBefore; i < state.getSkipped(); i++) {
      counters.increment(RunexMeters.SCHEDULE_FIRINGS, "skipped");
    }
  }
}

package dev.runex.topology.control;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queueing stage's view of job cancels, read from the global {@link ControlStore}: whether a
 * job is cancelled, which cancels are new since the last look (so the delay index can remove
 * waiting jobs at once instead of at their due time), and the CANCELLED result and event.
 *
 * <p>"New" is remembered in memory only: after a restart every cancel is new once, which costs one
 * pass over the delay index and is otherwise harmless (a cancel for a job that is not there does
 * nothing). One instance per task that reads it (delay index, quota gate, intake's {@link
 * CancelCheck}); stream-thread only.
 */
public final class CancelledJobs {
  private static final Logger log = LoggerFactory.getLogger(CancelledJobs.class);

  private final ReadOnlyKeyValueStore<String, ControlCommand> commands;
  private final Set<String> seen = new HashSet<>();

  public CancelledJobs(ReadOnlyKeyValueStore<String, ControlCommand> commands) {
    this.commands = commands;
  }

  /** The cancel command for {@code jobId}, or null when the job is not cancelled. */
  public ControlCommand cancelOf(String jobId) {
    ControlCommand c = commands.get(ControlTargets.job(jobId));
    return c != null && c.getAction() == ControlAction.CANCEL ? c : null;
  }

  /**
   * The entries of {@code jobs} (a store of waiting jobs, any key) whose job was cancelled since
   * the previous call: one pass over the store, and only when there are new cancels.
   */
  public List<KeyValue<String, Job>> newlyCancelledIn(KeyValueStore<String, Job> jobs) {
    Set<String> fresh = newlyCancelled();
    List<KeyValue<String, Job>> hit = new ArrayList<>();
    if (fresh.isEmpty()) {
      return hit;
    }
    try (KeyValueIterator<String, Job> it = jobs.all()) {
      while (it.hasNext()) {
        KeyValue<String, Job> e = it.next();
        if (fresh.contains(e.value.getId())) {
          hit.add(e);
        }
      }
    }
    return hit;
  }

  /**
   * Ids of jobs cancelled since the previous call. What is remembered is only the cancels the table
   * still holds: one the retention sweep deleted is forgotten, so the memory stays as bounded as
   * the table, and a cancel of the same job requested again later is new again.
   */
  Set<String> newlyCancelled() {
    Set<String> fresh = new HashSet<>();
    Set<String> present = new HashSet<>();
    try (KeyValueIterator<String, ControlCommand> it =
        commands.prefixScan(ControlTargets.JOB, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, ControlCommand> e = it.next();
        String id = e.key.substring(ControlTargets.JOB.length());
        if (e.value.getAction() == ControlAction.CANCEL) {
          present.add(id);
          if (seen.add(id)) {
            fresh.add(id);
          }
        }
      }
    }
    seen.retainAll(present);
    return fresh;
  }

  /** How many cancels are remembered as seen. */
  int remembered() {
    return seen.size();
  }

  /**
   * Control keys ({@code job:<id>}) of job cancels requested before {@code cutoff}, at most {@code
   * max}: the ones a retention sweep deletes.
   */
  public List<String> requestedBefore(long cutoff, int max) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, ControlCommand> it =
        commands.prefixScan(ControlTargets.JOB, new StringSerializer())) {
      while (it.hasNext() && old.size() < max) {
        KeyValue<String, ControlCommand> e = it.next();
        if (e.value.getAction() == ControlAction.CANCEL
            && e.value.getTime().toEpochMilli() < cutoff) {
          old.add(e.key);
        }
      }
    }
    return old;
  }

  /**
   * Ends a job that never started as cancelled: its CANCELLED result to {@code resultsSink} and its
   * CANCELLED event to {@code eventsSink} (both keyed by job id), logged with {@code where}.
   */
  public static void forward(
      ProcessorContext<String, Object> context,
      Job job,
      ControlCommand cancel,
      String instanceId,
      long now,
      String where,
      String resultsSink,
      String eventsSink) {
    log.info("job {} cancelled in the {} ({})", job.getId(), where, cancel.getReason());
    context.forward(
        new Record<>(job.getId(), result(job, cancel, instanceId, now), now), resultsSink);
    context.forward(
        new Record<>(job.getId(), event(job, cancel, instanceId, now), now), eventsSink);
  }

  /** The job's one final result: CANCELLED, never started. */
  public static JobResult result(Job job, ControlCommand cancel, String instanceId, long now) {
    return Lifecycle.result(
        job,
        JobStatus.CANCELLED,
        null,
        Lifecycle.error(ReasonCode.CANCELLED.code(), describe(cancel), null, false),
        null,
        now,
        instanceId);
  }

  public static JobEvent event(Job job, ControlCommand cancel, String instanceId, long now) {
    return Lifecycle.event(
        job, JobEventKind.CANCELLED, Lifecycle.QUEUEING, instanceId, describe(cancel), now);
  }

  private static String describe(ControlCommand cancel) {
    StringBuilder s = new StringBuilder("cancelled");
    if (cancel.getRequestedBy() != null) {
      s.append(" by ").append(cancel.getRequestedBy());
    }
    if (cancel.getReason() != null) {
      s.append(": ").append(cancel.getReason());
    }
    return s.toString();
  }
}

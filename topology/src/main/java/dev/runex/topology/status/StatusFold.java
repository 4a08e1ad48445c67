package dev.runex.topology.status;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.JobTransition;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Folds one lifecycle record into a job's status: each transition it carries ({@link
 * Lifecycle#transitions}), in order, into one new status. Pure. The state is the last transition
 * (STARTED shown as RUNNING; DEAD_LETTERED changes nothing, it follows a final FAILED or
 * TIMED_OUT). A final state sticks: later events only join the history — except RECEIVED, which
 * starts a new life of the same id (a dead letter replayed as the same job), keeping the earlier
 * history.
 */
public final class StatusFold {
  /** Transitions kept per job; older ones are dropped (and counted) so a record stays small. */
  public static final int MAX_HISTORY = 100;

  private static final Set<JobPhase> FINAL =
      EnumSet.of(
          JobPhase.SUCCEEDED,
          JobPhase.FAILED,
          JobPhase.TIMED_OUT,
          JobPhase.REJECTED,
          JobPhase.EXPIRED,
          JobPhase.CANCELLED);

  private StatusFold() {}

  /**
   * The status after every transition of {@code record}; {@code current} is null for a job not seen
   * before.
   */
  public static JobStatusView apply(JobStatusView current, JobEvent record) {
    List<JobEvent> transitions = Lifecycle.transitions(record);
    JobStatusView next;
    if (current == null) {
      next = fresh(record.getJobId(), transitions.get(0).getTime());
    } else {
      next = shallowCopy(current);
    }
    List<JobTransition> history = new ArrayList<>(next.getHistory().size() + transitions.size());
    history.addAll(next.getHistory());
    for (JobEvent e : transitions) {
      boolean newLife = next.getTerminal() && e.getKind() == JobEventKind.RECEIVED;
      if (!next.getTerminal() || newLife) {
        transition(next, e, newLife);
      }
      history.add(Lifecycle.own(e));
    }
    int drop = history.size() - MAX_HISTORY;
    if (drop > 0) {
      history = new ArrayList<>(history.subList(drop, history.size()));
      next.setHistoryDropped(next.getHistoryDropped() + drop);
    }
    next.setHistory(history);
    return next;
  }

  /**
   * The status of a job not seen before, with every field at its schema default. Not the builder:
   * its {@code build()} looks up and deep-copies each unset field's default for every new job, a
   * tenth of the status application's time.
   */
  static JobStatusView fresh(String jobId, Instant at) {
    JobStatusView v = new JobStatusView();
    v.setJobId(jobId);
    v.setState(JobPhase.UNKNOWN);
    v.setTerminal(false);
    v.setAttempt(0);
    v.setUpdatedAt(at);
    v.setHistory(List.of());
    v.setHistoryDropped(0);
    return v;
  }

  /**
   * A copy sharing {@code current}'s field values, which the fold never mutates (it replaces the
   * history list instead of adding to it): the builder's deep copy of every transition, for every
   * event, was a tenth of the status application's time.
   */
  private static JobStatusView shallowCopy(JobStatusView current) {
    JobStatusView copy = new JobStatusView();
    for (int i = 0, n = JobStatusView.getClassSchema().getFields().size(); i < n; i++) {
      copy.put(i, current.get(i));
    }
    return copy;
  }

  /** The status state an event kind leads to; null when it leaves the state as it is. */
  public static JobPhase phase(JobEventKind kind) {
    return switch (kind) {
      case RECEIVED -> JobPhase.RECEIVED;
      case VALIDATED -> JobPhase.VALIDATED;
      case REJECTED -> JobPhase.REJECTED;
      case DELAYED -> JobPhase.DELAYED;
      case THROTTLED -> JobPhase.THROTTLED;
      case SCHEDULED -> JobPhase.SCHEDULED;
      case STARTED -> JobPhase.RUNNING;
      case RETRY_SCHEDULED -> JobPhase.RETRY_SCHEDULED;
      case SUCCEEDED -> JobPhase.SUCCEEDED;
      case FAILED -> JobPhase.FAILED;
      case TIMED_OUT -> JobPhase.TIMED_OUT;
      case CANCELLED -> JobPhase.CANCELLED;
      case EXPIRED -> JobPhase.EXPIRED;
      case DEAD_LETTERED -> null;
    };
  }

  public static boolean isFinal(JobPhase phase) {
    return FINAL.contains(phase);
  }

  private static void transition(JobStatusView v, JobEvent e, boolean newLife) {
    if (newLife) {
      v.setTerminal(false);
      v.setAttempt(0);
      v.setDueAt(null);
      v.setStartedAt(null);
      v.setFinishedAt(null);
    }
    JobPhase phase = phase(e.getKind());
    if (phase == null) {
      return;
    }
    v.setState(phase);
    if (e.getLabels() != null && !e.getLabels().isEmpty()) {
      v.setLabels(e.getLabels());
    }
    v.setTenant(e.getTenant() != null ? e.getTenant() : v.getTenant());
    v.setType(e.getType() != null ? e.getType() : v.getType());
    v.setAttempt(Math.max(v.getAttempt(), e.getAttempt()));
    v.setUpdatedAt(e.getTime());
    v.setWorkerId(e.getWorkerId());
    v.setDetail(e.getDetail());
    if (e.getDueAt() != null) {
      v.setDueAt(e.getDueAt());
    }
    if (phase == JobPhase.RECEIVED || v.getSubmittedAt() == null) {
      v.setSubmittedAt(e.getTime());
    }
    if (phase == JobPhase.RUNNING) {
      v.setStartedAt(e.getTime());
    }
    if (isFinal(phase)) {
      v.setTerminal(true);
      v.setFinishedAt(e.getTime());
    }
  }
}

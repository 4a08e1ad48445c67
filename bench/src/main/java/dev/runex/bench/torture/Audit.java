package dev.runex.bench.torture;

import dev.runex.bench.torture.FaultEndpoint.Answer;
import dev.runex.bench.torture.FaultEndpoint.Call;
import dev.runex.bench.torture.Load.Kind;
import dev.runex.bench.torture.Load.Submitted;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one run's outcome against what was submitted and what the endpoint saw: every accepted job
 * has exactly one terminal result, of the status its kind calls for; no result names a job never
 * submitted; every FAILED, TIMED_OUT or REJECTED (other than as a duplicate) job has its dead
 * letter; the attempt count of a result is the attempt the endpoint answered last; and a job
 * attempt ran more than once only around a fault that allows it (a worker crash or freeze, or a
 * broker crash, that began between the first run and the rerun or was still on when the first run
 * began). Each violation is one line in {@link Findings#defects}.
 */
final class Audit {
  /** A rerun counts as caused by a fault that started up to this long after the first run. */
  private static final long RERUN_WINDOW_NANOS = 90_000_000_000L;

  /** The name of the schedule a run defines for its length ({@link #checkSchedule}). */
  static final String TICK = "tick";

  /** How its firings' job ids begin: {@code tick@<fire time>}. */
  static final String TICK_JOBS = TICK + "@";

  private Audit() {}

  /** What one run found. */
  record Findings(
      int jobs,
      int lost,
      int duplicated,
      int unknown,
      int extraRuns,
      int unexplainedExtraRuns,
      List<String> defects) {
    /** The same findings with {@code more} defects. */
    Findings with(List<String> more) {
      List<String> all = new ArrayList<>(defects);
      all.addAll(more);
      return new Findings(jobs, lost, duplicated, unknown, extraRuns, unexplainedExtraRuns, all);
    }
  }

  static Findings check(
      Map<String, Submitted> accepted,
      Set<String> sendFailures,
      Map<String, List<JobResult>> results,
      Set<String> deadLetters,
      Map<String, List<Call>> calls,
      List<FaultKind.Event> faults) {
    List<String> defects = new ArrayList<>();
    int lost = 0;
    int duplicated = 0;
    int unknown = 0;
    for (Submitted s : accepted.values()) {
      List<JobResult> rs = results.getOrDefault(s.id(), List.of());
      if (rs.isEmpty()) {
        lost++;
        defects.add("LOST " + s.id() + " (" + s.kind() + "): no result");
        continue;
      }
      if (rs.size() > 1) {
        duplicated++;
        defects.add("DUPLICATED " + s.id() + ": " + rs.size() + " results " + statuses(rs));
      }
      JobResult r = rs.get(0);
      String wrong = expectation(s, r, accepted, results);
      if (wrong != null) {
        defects.add("WRONG " + s.id() + " (" + s.kind() + "): " + wrong);
      }
      boolean needsLetter =
          r.getStatus() == JobStatus.FAILED
              || r.getStatus() == JobStatus.TIMED_OUT
              // a duplicate is rejected without a dead letter (a client retrying is no failure)
              || (r.getStatus() == JobStatus.REJECTED && r.getDuplicateOf() == null);
      if (needsLetter && !deadLetters.contains(s.id())) {
        defects.add("NO DEAD LETTER " + s.id() + ": " + r.getStatus());
      }
      String attempts = attempts(s, r, calls);
      if (attempts != null) {
        defects.add("ATTEMPTS " + s.id() + ": " + attempts);
      }
    }
    for (String id : results.keySet()) {
      if (!accepted.containsKey(id)
          && !sendFailures.contains(id)
          && !id.startsWith("warmup")
          && !id.startsWith(TICK_JOBS)) {
        unknown++;
        defects.add("UNKNOWN result for " + id + ", never submitted");
      }
    }
    int extra = 0;
    int unexplained = 0;
    for (var e : calls.entrySet()) {
      List<Call> runs = e.getValue();
      for (int i = 1; i < runs.size(); i++) {
        extra++;
        Call first = runs.get(i - 1);
        Call again = runs.get(i);
        if (!explained(first, again, faults)) {
          unexplained++;
          defects.add(
              "RERUN without a fault: "
                  + e.getKey()
                  + " ran on "
                  + first.worker()
                  + " then "
                  + again.worker()
                  + " "
                  + (again.atNanos() - first.atNanos()) / 1_000_000
                  + " ms later");
        }
      }
    }
    return new Findings(accepted.size(), lost, duplicated, unknown, extra, unexplained, defects);
  }

  /**
   * The schedule {@link #TICK} fired a {@code quick} job every second (overlap allow, catch-up all)
   * while the faults went on: each firing from {@code from} to {@code to} (the whole seconds well
   * inside the time it was defined) has its job, each firing's job exactly one result, SUCCEEDED,
   * and none started before its fire time (the topology submits firings ahead of their time, and
   * the worker holds them until then). Reruns of its calls are audited with every other call's.
   */
  static List<String> checkSchedule(
      Map<String, List<JobResult>> results, Instant from, Instant to) {
    List<String> defects = new ArrayList<>();
    for (Instant t = from; !t.isAfter(to); t = t.plusSeconds(1)) {
      if (!results.containsKey(TICK_JOBS + t)) {
        defects.add("LOST firing " + TICK_JOBS + t + ": no result");
      }
    }
    for (var e : results.entrySet()) {
      if (!e.getKey().startsWith(TICK_JOBS)) {
        continue;
      }
      List<JobResult> rs = e.getValue();
      if (rs.size() > 1) {
        defects.add("DUPLICATED " + e.getKey() + ": " + rs.size() + " results " + statuses(rs));
      }
      JobResult r = rs.get(0);
      Instant fireAt = Instant.parse(e.getKey().substring(TICK_JOBS.length()));
      if (r.getStatus() != JobStatus.SUCCEEDED) {
        defects.add("WRONG " + e.getKey() + " (firing): expected SUCCEEDED, got " + describe(r));
      } else if (r.getStartedAt() == null || r.getStartedAt().isBefore(fireAt)) {
        defects.add(
            "WRONG "
                + e.getKey()
                + " (firing): started "
                + (r.getStartedAt() == null
                    ? "with no start time"
                    : Duration.between(r.getStartedAt(), fireAt).toMillis()
                        + " ms before its fire time"));
      }
    }
    return defects;
  }

  private static boolean explained(Call first, Call again, List<FaultKind.Event> faults) {
    for (FaultKind.Event f : faults) {
      boolean affects =
          f.kind().mayRerun()
              && (f.kind() == FaultKind.BROKER_KILL || f.target().equals(first.worker()));
      // the fault overlaps the time from the first run to the rerun: it began after the first
      // run started, or was still on when it started (a call made while the broker was away
      // cannot commit its result)
      if (affects
          && f.endNanos() >= first.atNanos() - 1_000_000_000L
          && f.startNanos() <= Math.min(again.atNanos(), first.atNanos() + RERUN_WINDOW_NANOS)) {
        return true;
      }
    }
    return false;
  }

  private static String expectation(
      Submitted s, JobResult r, Map<String, Submitted> accepted, Map<String, List<JobResult>> all) {
    JobStatus status = r.getStatus();
    return switch (s.kind()) {
      case QUICK, SLOW, PROCESS ->
          status == JobStatus.SUCCEEDED ? null : "expected SUCCEEDED, got " + describe(r);
      case DELAYED ->
          status == JobStatus.SUCCEEDED
              ? startedEarly(r)
              : "expected SUCCEEDED, got " + describe(r);
      case FLAKY ->
          status != JobStatus.SUCCEEDED
              ? "expected SUCCEEDED, got " + describe(r)
              : r.getAttempts() < s.plannedFailures() + 1
                  ? "succeeded at attempt "
                      + r.getAttempts()
                      + " but the endpoint fails the first "
                      + s.plannedFailures()
                  : null;
      case BROKEN -> status == JobStatus.FAILED ? null : "expected FAILED, got " + describe(r);
      case DUPLICATE -> duplicate(s, r, accepted, all);
    };
  }

  /**
   * A delayed job must not start before it is due: its submission (intake's time) plus {@link
   * Load#DELAY}, by the worker's clock — one machine here, so one clock.
   */
  private static String startedEarly(JobResult r) {
    if (r.getSubmittedAt() == null || r.getStartedAt() == null) {
      return "succeeded without a submission or start time: " + describe(r);
    }
    Instant due = r.getSubmittedAt().plus(Load.DELAY);
    return r.getStartedAt().isBefore(due)
        ? "started " + Duration.between(r.getStartedAt(), due).toMillis() + " ms before it was due"
        : null;
  }

  /** Of the pair sharing an idempotency key, one ran and the other was rejected naming it. */
  private static String duplicate(
      Submitted s, JobResult r, Map<String, Submitted> accepted, Map<String, List<JobResult>> all) {
    String twin =
        s.id().endsWith("-a") ? s.id().replaceAll("-a$", "-b") : s.id().replaceAll("-b$", "-a");
    if (!accepted.containsKey(twin)) {
      return r.getStatus() == JobStatus.SUCCEEDED ? null : "twin not submitted, got " + describe(r);
    }
    List<JobResult> other = all.getOrDefault(twin, List.of());
    if (other.isEmpty()) {
      return null; // the twin is reported as lost
    }
    JobStatus mine = r.getStatus();
    JobStatus theirs = other.get(0).getStatus();
    if (mine == JobStatus.REJECTED) {
      return twin.equals(r.getDuplicateOf()) && theirs == JobStatus.SUCCEEDED
          ? null
          : "REJECTED as duplicate of " + r.getDuplicateOf() + ", twin " + theirs;
    }
    return mine == JobStatus.SUCCEEDED && theirs == JobStatus.REJECTED
        ? null
        : "expected one SUCCEEDED and one REJECTED, got " + mine + " and " + theirs;
  }

  /** The result's attempt count against the attempts the endpoint saw (http kinds only). */
  private static String attempts(Submitted s, JobResult r, Map<String, List<Call>> calls) {
    if (s.kind() == Kind.PROCESS || r.getStatus() == JobStatus.REJECTED) {
      return null;
    }
    int n = r.getAttempts();
    List<Call> last = calls.get(s.id() + ":" + n);
    if (calls.containsKey(s.id() + ":" + (n + 1))) {
      return "result says " + n + " attempts but the endpoint saw attempt " + (n + 1);
    }
    Answer want =
        switch (r.getStatus()) {
          case SUCCEEDED -> Answer.OK;
          case FAILED -> Answer.PERMANENT;
          default -> null;
        };
    if (want == null) {
      return null;
    }
    if (last == null || last.stream().noneMatch(c -> c.answer() == want)) {
      return r.getStatus()
          + " after "
          + n
          + " attempts, but the endpoint did not answer "
          + want
          + " to attempt "
          + n
          + " (saw "
          + (last == null ? "no call" : last.stream().map(Call::answer).toList())
          + ")";
    }
    return null;
  }

  private static List<String> statuses(List<JobResult> rs) {
    return rs.stream().map(x -> x.getStatus() + "@" + x.getAttempts()).toList();
  }

  private static String describe(JobResult r) {
    return r.getStatus()
        + " after "
        + r.getAttempts()
        + " attempt(s)"
        + (r.getError() == null
            ? ""
            : " (" + r.getError().getCode() + ": " + r.getError().getMessage() + ")");
  }
}

package dev.runex.bench.torture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.bench.torture.FaultEndpoint.Answer;
import dev.runex.bench.torture.FaultEndpoint.Call;
import dev.runex.bench.torture.Load.Kind;
import dev.runex.bench.torture.Load.Submitted;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The audit's verdicts on hand-made outcomes: each defect kind is caught, clean runs pass. */
class AuditTest {
  private static final long S = 1_000_000_000L;

  private final Map<String, Submitted> accepted = new HashMap<>();
  private final Map<String, List<JobResult>> results = new HashMap<>();
  private final Map<String, List<Call>> calls = new HashMap<>();

  private void job(String id, Kind kind, int failures) {
    accepted.put(id, new Submitted(id, kind, failures, null, 0));
  }

  private void result(String id, JobStatus status, int attempts) {
    result(id, status, attempts, null);
  }

  private void result(String id, JobStatus status, int attempts, Instant startedAt) {
    results
        .computeIfAbsent(id, k -> new java.util.ArrayList<>())
        .add(
            JobResult.newBuilder()
                .setId(id)
                .setStatus(status)
                .setAttempts(attempts)
                .setStartedAt(startedAt)
                .setFinishedAt(Instant.EPOCH)
                .build());
  }

  private void call(String id, int attempt, String worker, long atSeconds, Answer answer) {
    calls
        .computeIfAbsent(id + ":" + attempt, k -> new java.util.ArrayList<>())
        .add(new Call(worker, id, attempt, atSeconds * S, answer));
  }

  private Audit.Findings audit(Set<String> deadLetters, List<FaultKind.Event> faults) {
    return Audit.check(accepted, Set.of(), results, deadLetters, calls, faults);
  }

  @Test
  void aCleanRunHasNoDefects() {
    job("q", Kind.QUICK, 0);
    result("q", JobStatus.SUCCEEDED, 1);
    call("q", 1, "w1", 1, Answer.OK);
    job("f", Kind.FLAKY, 2);
    result("f", JobStatus.SUCCEEDED, 3);
    call("f", 1, "w1", 1, Answer.RETRYABLE);
    call("f", 2, "w2", 2, Answer.RETRYABLE);
    call("f", 3, "w2", 3, Answer.OK);
    job("b", Kind.BROKEN, 0);
    result("b", JobStatus.FAILED, 1);
    call("b", 1, "w3", 1, Answer.PERMANENT);

    Audit.Findings f = audit(Set.of("b"), List.of());

    assertThat(f.defects()).isEmpty();
    assertThat(f.jobs()).isEqualTo(3);
  }

  @Test
  void lostDuplicatedUnknownAndMissingDeadLettersAreDefects() {
    job("lost", Kind.QUICK, 0);
    job("twice", Kind.QUICK, 0);
    result("twice", JobStatus.SUCCEEDED, 1);
    result("twice", JobStatus.SUCCEEDED, 1);
    call("twice", 1, "w1", 1, Answer.OK);
    result("stranger", JobStatus.SUCCEEDED, 1);
    job("b", Kind.BROKEN, 0);
    result("b", JobStatus.FAILED, 1);
    call("b", 1, "w1", 1, Answer.PERMANENT);

    Audit.Findings f = audit(Set.of(), List.of());

    assertThat(f.lost()).isEqualTo(1);
    assertThat(f.duplicated()).isEqualTo(1);
    assertThat(f.unknown()).isEqualTo(1);
    assertThat(f.defects()).anyMatch(d -> d.startsWith("NO DEAD LETTER b"));
  }

  @Test
  void aDelayedJobThatStartedBeforeItWasDueIsADefect() {
    Instant submitted = Instant.parse("2026-12-06T12:00:00Z");
    job("on-time", Kind.DELAYED, 0);
    delayedResult("on-time", submitted, submitted.plus(Load.DELAY));
    call("on-time", 1, "w1", 4, Answer.OK);
    job("early", Kind.DELAYED, 0);
    delayedResult("early", submitted, submitted.plus(Load.DELAY).minusMillis(100));
    call("early", 1, "w1", 3, Answer.OK);

    Audit.Findings f = audit(Set.of(), List.of());

    assertThat(f.defects())
        .singleElement()
        .asString()
        .startsWith("WRONG early")
        .contains("started 100 ms before it was due");
  }

  private void delayedResult(String id, Instant submitted, Instant started) {
    results.put(
        id,
        List.of(
            JobResult.newBuilder()
                .setId(id)
                .setStatus(JobStatus.SUCCEEDED)
                .setAttempts(1)
                .setSubmittedAt(submitted)
                .setStartedAt(started)
                .setFinishedAt(started)
                .build()));
  }

  @Test
  void attemptCountsMustMatchWhatTheEndpointAnswered() {
    job("early", Kind.FLAKY, 2);
    result("early", JobStatus.SUCCEEDED, 2);
    call("early", 1, "w1", 1, Answer.RETRYABLE);
    call("early", 2, "w1", 2, Answer.OK);
    job("short", Kind.QUICK, 0);
    result("short", JobStatus.SUCCEEDED, 1);
    call("short", 1, "w1", 1, Answer.HUNG);
    call("short", 2, "w2", 7, Answer.OK);

    Audit.Findings f = audit(Set.of(), List.of());

    assertThat(f.defects())
        .anyMatch(d -> d.startsWith("WRONG early"))
        .anyMatch(d -> d.startsWith("ATTEMPTS short"));
  }

  @Test
  void aRerunIsExplainedOnlyByACrashOfTheWorkerThatRanItFirst() {
    job("a", Kind.QUICK, 0);
    result("a", JobStatus.SUCCEEDED, 1);
    call("a", 1, "w1", 10, Answer.OK);
    call("a", 1, "w2", 20, Answer.OK);
    job("b", Kind.QUICK, 0);
    result("b", JobStatus.SUCCEEDED, 1);
    call("b", 1, "w3", 10, Answer.OK);
    call("b", 1, "w2", 20, Answer.OK);
    FaultKind.Event killW1 = new FaultKind.Event(FaultKind.WORKER_KILL, "w1", 11 * S, 12 * S);

    Audit.Findings f = audit(Set.of(), List.of(killW1));

    assertThat(f.extraRuns()).isEqualTo(2);
    assertThat(f.unexplainedExtraRuns()).isEqualTo(1);
    assertThat(f.defects()).singleElement().asString().startsWith("RERUN without a fault: b:1");
  }

  @Test
  void aRunMadeWhileTheBrokerWasAwayMayRunAgainButNotOneMadeAfterItCameBack() {
    job("during", Kind.QUICK, 0);
    result("during", JobStatus.SUCCEEDED, 1);
    call("during", 1, "w1", 15, Answer.OK);
    call("during", 1, "w1", 40, Answer.OK);
    job("after", Kind.QUICK, 0);
    result("after", JobStatus.SUCCEEDED, 1);
    call("after", 1, "w2", 32, Answer.OK);
    call("after", 1, "w2", 45, Answer.OK);
    FaultKind.Event brokerAway =
        new FaultKind.Event(FaultKind.BROKER_KILL, "broker", 10 * S, 30 * S);

    Audit.Findings f = audit(Set.of(), List.of(brokerAway));

    assertThat(f.extraRuns()).isEqualTo(2);
    assertThat(f.unexplainedExtraRuns()).isEqualTo(1);
    assertThat(f.defects()).singleElement().asString().startsWith("RERUN without a fault: after:1");
  }

  @Test
  void duplicatesNeedOneRunAndOneRejectionNamingIt() {
    accepted.put("d-a", new Submitted("d-a", Kind.DUPLICATE, 0, "k", 0));
    accepted.put("d-b", new Submitted("d-b", Kind.DUPLICATE, 0, "k", 0));
    result("d-a", JobStatus.SUCCEEDED, 1);
    call("d-a", 1, "w1", 1, Answer.OK);
    result("d-b", JobStatus.SUCCEEDED, 1);
    call("d-b", 1, "w1", 1, Answer.OK);

    assertThat(audit(Set.of(), List.of()).defects()).anyMatch(d -> d.startsWith("WRONG d-"));
  }

  private void firing(String second, JobStatus status, String startedAt) {
    result(
        "tick@2026-12-06T14:00:" + second + "Z",
        status,
        1,
        Instant.parse("2026-12-06T14:00:" + startedAt + "Z"));
  }

  private List<String> auditSchedule() {
    return Audit.checkSchedule(
        results, Instant.parse("2026-12-06T14:00:01Z"), Instant.parse("2026-12-06T14:00:03Z"));
  }

  @Test
  void aScheduleThatFiredEverySecondOnceAndOnTimeIsClean() {
    firing("01", JobStatus.SUCCEEDED, "01.002");
    firing("02", JobStatus.SUCCEEDED, "02");
    firing("03", JobStatus.SUCCEEDED, "03.500");
    firing("04", JobStatus.SUCCEEDED, "04.001"); // after the audited span: checked, not required

    assertThat(auditSchedule()).isEmpty();
    assertThat(audit(Set.of(), List.of()).defects()).as("no UNKNOWN result").isEmpty();
  }

  @Test
  void aMissingFiringASecondResultAFailureAndAnEarlyStartAreDefects() {
    firing("01", JobStatus.SUCCEEDED, "00.900");
    firing("03", JobStatus.SUCCEEDED, "03");
    firing("03", JobStatus.SUCCEEDED, "03.100");
    firing("04", JobStatus.FAILED, "04");

    assertThat(auditSchedule())
        .containsExactlyInAnyOrder(
            "LOST firing tick@2026-12-06T14:00:02Z: no result",
            "WRONG tick@2026-12-06T14:00:01Z (firing): started 100 ms before its fire time",
            "DUPLICATED tick@2026-12-06T14:00:03Z: 2 results [SUCCEEDED@1, SUCCEEDED@1]",
            "WRONG tick@2026-12-06T14:00:04Z (firing): expected SUCCEEDED, got FAILED after 1"
                + " attempt(s)");
  }
}

package dev.runex.topology.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.JobTransition;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusFoldTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void aNewJobsStatusStartsFromEverySchemaDefault() {
    Instant at = Instant.ofEpochMilli(1_700_000_000_000L);

    // the fold builds it without the builder; the builder fills in the schema's defaults
    assertThat(StatusFold.fresh("job-1", at))
        .isEqualTo(
            JobStatusView.newBuilder()
                .setJobId("job-1")
                .setState(JobPhase.UNKNOWN)
                .setUpdatedAt(at)
                .build());
  }

  @Test
  void followsAJobThroughItsLifeWithTimestampsAndHistory() {
    // when
    JobStatusView v =
        fold(
            event(JobEventKind.RECEIVED, 0, 1), event(JobEventKind.VALIDATED, 1, 1),
            event(JobEventKind.DELAYED, 1, 2), event(JobEventKind.SCHEDULED, 1, 60),
            event(JobEventKind.STARTED, 1, 61), event(JobEventKind.RETRY_SCHEDULED, 1, 62),
            event(JobEventKind.DELAYED, 2, 63), event(JobEventKind.SCHEDULED, 2, 70),
            event(JobEventKind.STARTED, 2, 71), event(JobEventKind.SUCCEEDED, 2, 72));

    // then
    assertThat(v.getState()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(v.getTerminal()).isTrue();
    assertThat(v.getAttempt()).isEqualTo(2);
    assertThat(v.getTenant()).isEqualTo("demo");
    assertThat(v.getType()).isEqualTo("echo");
    assertThat(v.getSubmittedAt()).isEqualTo(T.plusSeconds(1));
    assertThat(v.getStartedAt()).isEqualTo(T.plusSeconds(71));
    assertThat(v.getFinishedAt()).isEqualTo(T.plusSeconds(72));
    assertThat(v.getUpdatedAt()).isEqualTo(T.plusSeconds(72));
    assertThat(v.getHistory())
        .extracting(JobTransition::getKind)
        .hasSize(10)
        .startsWith(JobEventKind.RECEIVED)
        .endsWith(JobEventKind.SUCCEEDED);
  }

  @Test
  void startedShowsAsRunningAndDelayedCarriesItsDueTime() {
    JobEvent delayed = event(JobEventKind.DELAYED, 1, 2);
    delayed.setDueAt(T.plusSeconds(3600));

    assertThat(fold(event(JobEventKind.RECEIVED, 0, 1), delayed).getDueAt())
        .isEqualTo(T.plusSeconds(3600));
    assertThat(fold(event(JobEventKind.STARTED, 1, 1)).getState()).isEqualTo(JobPhase.RUNNING);
  }

  @Test
  void aFinalStateSticksAndLaterEventsOnlyJoinTheHistory() {
    // when: FAILED is followed by DEAD_LETTERED, and (out of order) a stray STARTED
    JobStatusView v =
        fold(
            event(JobEventKind.STARTED, 1, 1),
            event(JobEventKind.FAILED, 1, 2),
            event(JobEventKind.DEAD_LETTERED, 1, 3),
            event(JobEventKind.STARTED, 1, 4));

    // then
    assertThat(v.getState()).isEqualTo(JobPhase.FAILED);
    assertThat(v.getFinishedAt()).isEqualTo(T.plusSeconds(2));
    assertThat(v.getHistory()).hasSize(4);
  }

  @Test
  void receivedAfterTheEndStartsANewLifeKeepingTheOldHistory() {
    // when: a dead letter is replayed as the same job
    JobStatusView v =
        fold(
            event(JobEventKind.STARTED, 3, 1),
            event(JobEventKind.FAILED, 3, 2),
            event(JobEventKind.RECEIVED, 0, 10),
            event(JobEventKind.VALIDATED, 1, 10));

    // then
    assertThat(v.getState()).isEqualTo(JobPhase.VALIDATED);
    assertThat(v.getTerminal()).isFalse();
    assertThat(v.getFinishedAt()).isNull();
    assertThat(v.getStartedAt()).isNull();
    assertThat(v.getAttempt()).isEqualTo(1);
    assertThat(v.getSubmittedAt()).isEqualTo(T.plusSeconds(10));
    assertThat(v.getHistory()).hasSize(4);
  }

  @Test
  void historyIsBoundedAndCountsWhatItDropped() {
    JobStatusView v = null;
    for (int i = 0; i < StatusFold.MAX_HISTORY + 5; i++) {
      v = StatusFold.apply(v, event(JobEventKind.SCHEDULED, 1, i));
    }

    assertThat(v.getHistory()).hasSize(StatusFold.MAX_HISTORY);
    assertThat(v.getHistoryDropped()).isEqualTo(5);
    assertThat(v.getHistory().get(0).getTime()).isEqualTo(T.plusSeconds(5));
  }

  @Test
  void leavesTheStatusItFoldsIntoUnchanged() {
    // given
    JobStatusView before =
        fold(event(JobEventKind.RECEIVED, 0, 1), event(JobEventKind.STARTED, 1, 2));
    JobStatusView copy = JobStatusView.newBuilder(before).build();

    // when
    JobStatusView after = StatusFold.apply(before, event(JobEventKind.SUCCEEDED, 1, 3));

    // then
    assertThat(before).isEqualTo(copy);
    assertThat(after.getState()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(after.getHistory()).hasSize(3);
  }

  @Test
  void oneRecordOfSeveralTransitionsFoldsLikeThoseTransitionsOneByOne() {
    // given: what intake's direct path and a worker write, each as one record
    JobEvent received = event(JobEventKind.RECEIVED, 0, 1);
    received.setLabels(java.util.Map.of("team", "a"));
    java.util.List<JobEvent> transitions =
        java.util.List.of(
            received,
            event(JobEventKind.VALIDATED, 1, 1),
            event(JobEventKind.SCHEDULED, 1, 2),
            event(JobEventKind.STARTED, 1, 3),
            event(JobEventKind.FAILED, 1, 4),
            event(JobEventKind.DEAD_LETTERED, 1, 4));
    JobEvent intake = Lifecycle.merge(transitions.subList(0, 3));
    JobEvent worker = Lifecycle.merge(transitions.subList(3, 6));

    // when
    JobStatusView merged = fold(intake, worker);

    // then
    assertThat(merged).isEqualTo(fold(transitions.toArray(JobEvent[]::new)));
    assertThat(merged.getState()).isEqualTo(JobPhase.FAILED);
    assertThat(merged.getLabels()).containsEntry("team", "a");
    assertThat(merged.getSubmittedAt()).isEqualTo(T.plusSeconds(1));
    assertThat(merged.getStartedAt()).isEqualTo(T.plusSeconds(3));
    assertThat(merged.getHistory())
        .extracting(JobTransition::getKind)
        .containsExactly(
            JobEventKind.RECEIVED,
            JobEventKind.VALIDATED,
            JobEventKind.SCHEDULED,
            JobEventKind.STARTED,
            JobEventKind.FAILED,
            JobEventKind.DEAD_LETTERED);
  }

  private static JobStatusView fold(JobEvent... events) {
    JobStatusView v = null;
    for (JobEvent e : events) {
      v = StatusFold.apply(v, e);
    }
    return v;
  }

  static JobEvent event(JobEventKind kind, int attempt, int second) {
    return JobEvent.newBuilder()
        .setJobId("j")
        .setTenant("demo")
        .setType("echo")
        .setAttempt(attempt)
        .setTime(T.plusSeconds(second))
        .setKind(kind)
        .setStage("s")
        .build();
  }
}

package dev.runex.workers.internal.control;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.Job;
import dev.runex.schemas.control.ControlTargets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlTableTest {
  private final ControlTable table = new ControlTable();
  private final Job job = Job.newBuilder(job("j-1", "echo", Map.of())).setTenant("acme").build();

  @Test
  void pausesByTenantTypeOrPoolUntilResumed() {
    // given
    apply(ControlTargets.type("echo"), ControlAction.PAUSE);

    // then
    assertThat(table.pausedBy(job, "default")).contains("type:echo");
    assertThat(table.pausedBy(Job.newBuilder(job).setType("other").build(), "default")).isEmpty();

    // when
    apply(ControlTargets.type("echo"), ControlAction.RESUME);
    apply(ControlTargets.tenant("acme"), ControlAction.PAUSE);

    // then
    assertThat(table.pausedBy(job, "default")).contains("tenant:acme");
    apply(ControlTargets.tenant("acme"), ControlAction.RESUME);
    apply(ControlTargets.pool("gpu"), ControlAction.PAUSE);
    assertThat(table.pausedBy(job, "default")).isEmpty();
    assertThat(table.pausedBy(job, "gpu")).contains("pool:gpu");
  }

  @Test
  void reportsEachCancelOnceAndForgetsTombstonedTargets() {
    // when
    apply(ControlTargets.job("j-1"), ControlAction.CANCEL);
    apply(ControlTargets.job("j-1"), ControlAction.CANCEL);
    apply(ControlTargets.job("j-2"), ControlAction.CANCEL);

    // then
    assertThat(table.takeNewCancels()).containsExactly("j-1", "j-2");
    assertThat(table.takeNewCancels()).isEmpty();
    assertThat(table.cancelOf("j-1")).isPresent();

    // when
    table.apply(ControlTargets.job("j-1"), null);

    // then
    assertThat(table.cancelOf("j-1")).isEmpty();
    assertThat(table.cancelOf("j-2")).isPresent();
  }

  @Test
  void versionMovesWithEveryRecordAndEmptyTableIsCaughtUp() {
    long before = table.version();
    apply(ControlTargets.pool("default"), ControlAction.PAUSE);
    assertThat(table.version()).isGreaterThan(before);
    assertThat(table.isCaughtUp()).isFalse();
    assertThat(ControlTable.empty().isCaughtUp()).isTrue();
  }

  @Test
  void takesBackAFiringFiredAheadOfAPauseOfItsSchedule() {
    Job firing = firing("nightly", "2026-12-06T12:00:00Z", 1);
    assertThat(table.firingTakenBack(firing)).as("not paused").isEmpty();

    // paused a moment before the firing's time: the topology had fired it ahead already
    pause("nightly", "2026-12-06T11:59:59.400Z");
    assertThat(table.firingTakenBack(firing))
        .get()
        .satisfies(
            c -> {
              assertThat(c.getTarget()).isEqualTo("job:nightly@2026-12-06T12:00:00Z");
              assertThat(c.getAction()).isEqualTo(ControlAction.CANCEL);
              assertThat(c.getRequestedBy()).isEqualTo("ops");
              assertThat(c.getReason())
                  .contains("schedule nightly paused at 2026-12-06T11:59:59.400Z");
            });
    assertThat(table.firingTakenBack(firing("nightly", "2026-12-06T11:59:59Z", 1)))
        .as("its time had come before the pause: it runs, as a firing fired when due does")
        .isEmpty();
    assertThat(table.firingTakenBack(firing("nightly", "2026-12-06T12:00:00Z", 2)))
        .as("a retry")
        .isEmpty();
    assertThat(table.firingTakenBack(firing("hourly", "2026-12-06T12:00:00Z", 1)))
        .as("another schedule")
        .isEmpty();
    assertThat(table.firingTakenBack(job)).as("no schedule fired it").isEmpty();

    apply(ControlTargets.schedule("nightly"), ControlAction.RESUME);
    assertThat(table.firingTakenBack(firing)).as("resumed before its time").isEmpty();
  }

  private static Job firing(String schedule, String at, int attempt) {
    return Job.newBuilder(job(schedule + "@" + at, "echo", Map.of()))
        .setAttempt(attempt)
        .setLabels(Map.of("runex.schedule", schedule, "runex.scheduledFor", at))
        .build();
  }

  private void pause(String schedule, String at) {
    String target = ControlTargets.schedule(schedule);
    table.apply(
        target,
        ControlTargets.command(target, ControlAction.PAUSE, "ops", null, Instant.parse(at)));
  }

  private void apply(String target, ControlAction action) {
    table.apply(target, ControlTargets.command(target, action, "test", null, Instant.EPOCH));
  }
}

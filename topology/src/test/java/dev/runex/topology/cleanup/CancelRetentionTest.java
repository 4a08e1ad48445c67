package dev.runex.topology.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.ControlAction;
import dev.runex.schemas.ControlCommand;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.control.CancelledJobs;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CancelRetentionTest {
  private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final Duration RETENTION = Duration.ofDays(7);

  private final KeyValueStore<String, ControlCommand> commands =
      Stores.keyValue(
          "control-commands", TestConfigs.topics(TestConfigs.config()).control().valueSerde());
  private final CancelRetention retention =
      new CancelRetention(RETENTION, new CancelledJobs(commands));

  @AfterEach
  void close() {
    commands.close();
  }

  @Test
  void cancelsOlderThanTheRetentionAreDueOthersAndPausesAreNot() {
    // given
    command("job:old", ControlAction.CANCEL, T0 - RETENTION.toMillis() - 1);
    command("job:new", ControlAction.CANCEL, T0 - 1_000);
    command(ControlTargets.tenant("acme"), ControlAction.PAUSE, T0 - RETENTION.toMillis() - 1);

    // when
    var due = retention.due(0, T0);

    // then
    assertThat(due).containsExactly("job:old");
  }

  @Test
  void onlyTheTaskOfPartitionZeroSweepsAndAtMostHourly() {
    // given
    command("job:old", ControlAction.CANCEL, T0 - RETENTION.toMillis() - 1);

    // when / then
    assertThat(retention.due(1, T0)).isEmpty();
    assertThat(retention.due(0, T0)).containsExactly("job:old");
    assertThat(retention.due(0, T0 + 1_000)).isEmpty();
    assertThat(retention.due(0, T0 + CancelRetention.MAX_INTERVAL.toMillis()))
        .containsExactly("job:old");
  }

  @Test
  void aShortRetentionIsSweptEveryHalfRetentionNotHourly() {
    // given: a one-minute retention, swept once at T0
    var minute = new CancelRetention(Duration.ofMinutes(1), new CancelledJobs(commands));
    assertThat(minute.due(0, T0)).isEmpty();
    command("job:cancelled-after-the-sweep", ControlAction.CANCEL, T0 + 1_000);

    // when: half a minute after it turned older than the retention
    var due = minute.due(0, T0 + 91_000);

    // then: deleted, not kept until the hour is up
    assertThat(due).containsExactly("job:cancelled-after-the-sweep");
    assertThat(minute.due(0, T0 + 92_000)).isEmpty();
  }

  @Test
  void aFullBatchComesBackAtTheNextPunctuation() {
    // given
    for (int i = 0; i <= CancelRetention.MAX_PER_SWEEP; i++) {
      command("job:old-" + i, ControlAction.CANCEL, T0 - RETENTION.toMillis() - 1);
    }

    // when
    var first = retention.due(0, T0);
    var second = retention.due(0, T0 + 100);

    // then
    assertThat(first).hasSize(CancelRetention.MAX_PER_SWEEP);
    assertThat(second).isNotEmpty();
  }

  private void command(String target, ControlAction action, long at) {
    commands.put(
        target, ControlTargets.command(target, action, "ops", null, Instant.ofEpochMilli(at)));
  }
}

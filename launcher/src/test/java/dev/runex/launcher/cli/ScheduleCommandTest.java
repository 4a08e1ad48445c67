package dev.runex.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.launcher.RunexMain;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code runex schedule put} validates like the config does, before it touches Kafka. */
class ScheduleCommandTest {

  @Test
  void refusesABadScheduleNamingTheOptionWithoutWritingAnything() {
    // given: no broker listens at 127.0.0.1:1, so a write would fail differently
    PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true));
    int badCron;
    int badType;
    try {
      // when
      badCron =
          new CommandLine(new RunexMain())
              .execute(
                  "schedule",
                  "put",
                  "s",
                  "--cron",
                  "0 61 * * * *",
                  "--job",
                  "{\"type\":\"echo\",\"tenant\":\"demo\"}",
                  "--set",
                  "runex.bootstrapServers=127.0.0.1:1");
      badType =
          new CommandLine(new RunexMain())
              .execute(
                  "schedule",
                  "put",
                  "s",
                  "--cron",
                  "0 * * * * *",
                  "--job",
                  "{\"type\":\"nope\",\"tenant\":\"demo\"}",
                  "--set",
                  "runex.bootstrapServers=127.0.0.1:1");
    } finally {
      System.setErr(err);
    }

    // then
    assertThat(badCron).isEqualTo(2);
    assertThat(badType).isEqualTo(2);
    assertThat(captured.toString())
        .contains("--cron is not a cron expression: minute field")
        .contains("--job.type must be a declared job type");
  }
}

package dev.runex.bench.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The fault runner's short form, as the test suite runs it: one seeded run of the whole stack as
 * separate processes under a mixed load with random faults (the seed's mix), then the audit from
 * the topics and the leftover check. Passes only when the runner found no defect: no job lost or
 * duplicated, every result right, every rerun explained by a fault, nothing left running or on
 * disk.
 */
class TortureShortIT {
  /**
   * A seed whose faults include a worker kill, a hung worker, a frozen topology and the registry.
   */
  private static final String SEED = "42";

  @Test
  @Timeout(900)
  void aShortFaultRunFindsNoDefect() {
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    try (PrintStream capture = new PrintStream(table, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      status = new CommandLine(new TortureRun()).execute("--short", "--seed", SEED);
    } finally {
      System.setOut(stdout);
    }
    String report = table.toString(StandardCharsets.UTF_8);
    stdout.println(report);
    assertThat(report).contains("| runs |");
    assertThat(status).as("the fault runner's verdict (its table above)").isZero();
  }
}

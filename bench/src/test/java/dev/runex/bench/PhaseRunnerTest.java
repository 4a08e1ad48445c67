package dev.runex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PhaseRunnerTest {

  @Test
  void givesEachTopicsOffsetsPerIntakeRecordLargestFirstWithoutThePrefix() {
    Map<String, Long> sizes =
        Map.of(
            "p.intake", 1_000L,
            "p.events", 5_012L,
            "p.results", 1_003L,
            "p.topology-status-job-status-changelog", 2_100L,
            "p.retry", 0L);

    assertThat(PhaseRunner.perIntakeRecord(sizes, "p.", "p.intake"))
        .isEqualTo("events 5.01, topology-status-job-status-changelog 2.10, results 1.00");
  }

  @Test
  void saysUnknownWithoutIntakeRecords() {
    assertThat(PhaseRunner.perIntakeRecord(Map.of("p.events", 3L), "p.", "p.intake"))
        .isEqualTo("unknown");
    assertThat(PhaseRunner.perIntakeRecord(Map.of(), "p.", "p.intake")).isEqualTo("unknown");
  }
}

package dev.runex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.config.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EndToEndBenchTest {

  @Test
  void takesTheReferencesInTheOrderGivenEachOnce() {
    assertThat(EndToEndBench.references(List.of("streams-hops", "runex-records", "streams-hops")))
        .containsExactly(Report.Reference.STREAMS_HOPS, Report.Reference.RUNEX_RECORDS);
    assertThat(EndToEndBench.references(List.of("none"))).isEmpty();
  }

  @Test
  void defaultsToTheReferenceWritingRunexsRecords() {
    EndToEndBench bench = new EndToEndBench();
    new CommandLine(bench).parseArgs();

    assertThat(EndToEndBench.references(bench.referenceNames))
        .containsExactly(Report.Reference.RUNEX_RECORDS);
  }

  @Test
  void refusesAnUnknownReferenceByName() {
    assertThatThrownBy(() -> EndToEndBench.references(List.of("lifecycle-records", "bare")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("unknown reference 'bare'");
  }

  @Test
  void refusesToSetThePartitionsAroundItsOwnOption() {
    assertThat(
            EndToEndBench.settingOwnedByAnOption(
                java.util.Map.of(Settings.TOPIC_PARTITIONS.key(), "3")))
        .contains("use --partitions");
    assertThat(
            EndToEndBench.settingOwnedByAnOption(
                java.util.Map.of(Settings.TOPOLOGY_STATUS_ENABLED.key(), "false")))
        .isNull();
  }
}

package dev.runex.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code runex results --events}: one line per transition, whatever record carried it. */
class ResultsCommandTest {

  @Test
  void aRecordOfSeveralTransitionsPrintsOneLinePerTransitionInOrder() {
    JobEvent received =
        Lifecycle.event("j1", "demo", "echo", JobEventKind.RECEIVED, "intake", "t1", null, 1_000);
    received.setLabels(Map.of("team", "a"));
    JobEvent record =
        Lifecycle.merge(
            List.of(
                received,
                Lifecycle.event(
                    "j1", "demo", "echo", JobEventKind.VALIDATED, "validation", "t1", null, 1_001),
                Lifecycle.event(
                    "j1", "demo", "echo", JobEventKind.SCHEDULED, "scheduling", "t1", "p", 1_002)));

    List<JsonNode> lines = ResultsCommand.transitions(record);

    assertThat(lines)
        .extracting(l -> l.get("kind").asText())
        .containsExactly("RECEIVED", "VALIDATED", "SCHEDULED");
    assertThat(lines)
        .extracting(l -> l.get("time").asText())
        .containsExactly(
            "1970-01-01T00:00:01Z", "1970-01-01T00:00:01.001Z", "1970-01-01T00:00:01.002Z");
    assertThat(lines.get(0).get("labels").get("team").asText()).isEqualTo("a");
    assertThat(lines.get(2).get("labels").isNull()).isTrue();
    assertThat(lines).allSatisfy(l -> assertThat(l.has("earlier") || l.has("later")).isFalse());
  }
}

package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Node, store and topic names are part of the deployed application: a renamed processor or store
 * orphans its state and changelog on upgrade. This snapshot makes every rename a deliberate act.
 * After an intended change, regenerate with {@code -Drunex.updateSnapshots=true} and review the
 * diff.
 */
class TopologyDescriptionTest {
  private static final String SNAPSHOT = "topology-description.txt";

  @Test
  void topologyMatchesCheckedInSnapshot() throws IOException {
    // given
    var cfg = TestConfigs.config();
    String actual =
        RunexTopology.build(cfg, TestConfigs.topics(cfg), new SimpleMeterRegistry(), "snapshot")
                .describe()
            + "\nStatus application:\n"
            + RunexTopology.buildStatus(cfg, TestConfigs.topics(cfg)).describe();

    // when
    if (Boolean.getBoolean("runex.updateSnapshots")) {
      Files.writeString(Path.of("src/test/resources", SNAPSHOT), actual);
    }

    // then
    assertThat(actual).isEqualTo(expected());
  }

  private static String expected() throws IOException {
    try (InputStream in =
        TopologyDescriptionTest.class.getClassLoader().getResourceAsStream(SNAPSHOT)) {
      assertThat(in).as("snapshot %s on the test classpath", SNAPSHOT).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

package dev.runex.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/connectors.md carries the plugins' settings reference generated from their ConfigDefs
 * ({@link ConfigReference}); this keeps the copy identical, so the docs cannot drift from the code.
 */
class ConnectorsDocTest {
  private static final Path DOC =
      Path.of(System.getProperty("runex.home", "..")).resolve("docs/connectors.md");

  @Test
  void webhookSettingsMatchTheConfigDef() throws IOException {
    assertThat(section("webhook")).isEqualTo(ConfigReference.webhookSink().strip());
  }

  @Test
  void converterSettingsMatchTheConfigDef() throws IOException {
    assertThat(section("converter")).isEqualTo(ConfigReference.avroConverter().strip());
  }

  private static String section(String name) throws IOException {
    String text = Files.readString(DOC);
    String begin = "<!-- BEGIN GENERATED " + name + " (ConfigReference) -->";
    String end = "<!-- END GENERATED " + name + " -->";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertThat(b).as("marker " + begin).isGreaterThanOrEqualTo(0);
    assertThat(e).as("marker " + end).isGreaterThan(b);
    return text.substring(b + begin.length(), e).strip();
  }
}

package dev.runex.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference and metrics list are generated from the code's own
 * definitions ({@code ./runex config-doc}, {@code ./runex config-doc --metrics}); this keeps the
 * copy in the README identical, so docs cannot drift from the code.
 */
class ReadmeReferenceTest {
  private static final Path README =
      Path.of(System.getProperty("runex.home", "..")).resolve("README.md");

  @Test
  void readmeConfigReferenceMatchesTheSettingsDefinitions() throws IOException {
    assertThat(section("config")).isEqualTo(ConfigReference.settingsMarkdown().strip());
  }

  @Test
  void readmeMetricsListMatchesTheMeterDefinitions() throws IOException {
    assertThat(section("metrics")).isEqualTo(ConfigReference.metricsMarkdown().strip());
  }

  @Test
  void readmeJobTypeExamplesAreValidConfig() throws IOException {
    String text = Files.readString(README);
    String executors =
        text.substring(
            text.indexOf("### Executors"), text.indexOf("### Limits and their defaults"));
    java.util.regex.Matcher yaml =
        java.util.regex.Pattern.compile("```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL)
            .matcher(executors);
    int examples = 0;
    while (yaml.find()) {
      RunexConfig cfg =
          ConfigLoader.fromYaml("runex:\n  jobTypes:\n" + yaml.group(1), Map.of(), Map.of());
      assertThat(cfg.jobTypes()).hasSize(1);
      examples++;
    }
    assertThat(examples).as("process and http examples").isEqualTo(2);
  }

  private static String section(String name) throws IOException {
    String text = Files.readString(README);
    String begin = "<!-- BEGIN GENERATED " + name + " (./runex config-doc) -->";
    String end = "<!-- END GENERATED " + name + " -->";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertThat(b).as("README marker " + begin).isGreaterThanOrEqualTo(0);
    assertThat(e).as("README marker " + end).isGreaterThan(b);
    return text.substring(b + begin.length(), e).strip();
  }
}

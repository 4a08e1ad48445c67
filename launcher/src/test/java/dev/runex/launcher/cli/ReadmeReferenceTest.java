package dev.runex.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation's references are generated from the code's own definitions ({@code ./runex
 * config-doc}, {@code --metrics}, {@code --reasons}) and pasted between markers in the pages under
 * {@code docs/}; this keeps each copy identical to its source, the job-type examples valid config,
 * and every relative link of the README and the docs pointing at a file that exists.
 */
class ReadmeReferenceTest {
  private static final Path HOME = Path.of(System.getProperty("runex.home", ".."));
  private static final Path DOCS = HOME.resolve("docs");

  @Test
  void configurationReferenceMatchesTheSettingsDefinitions() throws IOException {
    assertThat(section("configuration.md", "config"))
        .isEqualTo(ConfigReference.settingsMarkdown().strip());
  }

  @Test
  void metricsListMatchesTheMeterDefinitions() throws IOException {
    assertThat(section("metrics.md", "metrics"))
        .isEqualTo(ConfigReference.metricsMarkdown().strip());
  }

  @Test
  void reasonCodesMatchTheReasonCodeEnum() throws IOException {
    assertThat(section("reason-codes.md", "reasons"))
        .isEqualTo(ConfigReference.reasonsMarkdown().strip());
  }

  @Test
  void jobTypeExamplesAreValidConfig() throws IOException {
    String text = Files.readString(DOCS.resolve("executors.md"));
    String executors =
        text.substring(text.indexOf("## Executors"), text.indexOf("## Limits and their defaults"));
    Matcher yaml = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(executors);
    int examples = 0;
    while (yaml.find()) {
      RunexConfig cfg =
          ConfigLoader.fromYaml("runex:\n  jobTypes:\n" + yaml.group(1), Map.of(), Map.of());
      assertThat(cfg.jobTypes()).hasSize(1);
      examples++;
    }
    assertThat(examples).as("process and http examples").isEqualTo(2);
  }

  @Test
  void relativeLinksPointAtFilesThatExist() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(HOME.resolve("README.md")));
    try (Stream<Path> docs = Files.list(DOCS)) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    Pattern link = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)\\s]*)?\\)");
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = link.matcher(Files.readString(page));
      while (m.find()) {
        String target = m.group(1);
        if (!target.contains("://") && !Files.exists(page.getParent().resolve(target))) {
          broken.add(HOME.relativize(page) + " -> " + target);
        }
      }
    }
    assertThat(broken).as("links to missing files").isEmpty();
  }

  private static String section(String page, String name) throws IOException {
    String text = Files.readString(DOCS.resolve(page));
    String begin = "<!-- BEGIN GENERATED " + name + " (./runex config-doc) -->";
    String end = "<!-- END GENERATED " + name + " -->";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    assertThat(b).as(page + " marker " + begin).isGreaterThanOrEqualTo(0);
    assertThat(e).as(page + " marker " + end).isGreaterThan(b);
    return text.substring(b + begin.length(), e).strip();
  }
}

package dev.runex.monitoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus files pass Prometheus' own checks: {@code promtool check rules}, the rule
 * unit tests ({@code promtool test rules runex-alerts.test.yml}: each alert fires when it should,
 * with its labels and annotations, and stays quiet otherwise), and {@code promtool check config} on
 * the example configuration. promtool comes with Debian's {@code prometheus} package ({@code
 * .ci/monitoring-tools} installs it); without it these tests fail.
 */
class PrometheusRulesTest {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @Test
  void alertRulesAreValid() throws Exception {
    promtool("check", "rules", MonitoringFiles.RULES.toString());
  }

  @Test
  void alertRuleUnitTestsPass() throws Exception {
    promtool("test", "rules", MonitoringFiles.RULE_TESTS.toString());
  }

  @Test
  void exampleConfigurationIsValid() throws Exception {
    promtool("check", "config", MonitoringFiles.CONFIG.toString());
  }

  private static void promtool(String... args) throws IOException, InterruptedException {
    assertThat(PROMTOOL)
        .as("promtool is missing: run .ci/monitoring-tools (apt-get install prometheus)")
        .isExecutable();
    List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(MonitoringFiles.PROMETHEUS.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    System.out.println(String.join(" ", command) + "\n" + output);
    assertThat(p.exitValue()).as(String.join(" ", command) + " said:\n" + output).isZero();
  }
}

package dev.runex.monitoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.runex.monitoring.RunexMeters;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules and the dashboard query exists: a runex meter under its Prometheus
 * name ({@link RunexMeters#prometheusNames()}), or one of the Kafka client/Streams, JVM and
 * Prometheus metrics listed in {@code prometheus/external-metrics.txt} (which the launcher's
 * PrometheusScrapeIT finds in a real scrape). A renamed meter breaks this test, not an alert.
 */
class MetricNamesTest {

  @Test
  void rulesAndDashboardQueryOnlyKnownMetrics() throws IOException {
    Set<String> known = new TreeSet<>(external());
    for (RunexMeters m : RunexMeters.values()) {
      known.addAll(m.prometheusNames());
    }

    Map<String, String> used = used();

    assertThat(used).isNotEmpty();
    used.forEach(
        (name, where) -> assertThat(known).as("metric %s used in %s", name, where).contains(name));
  }

  @Test
  void everyListedExternalMetricIsUsed() throws IOException {
    assertThat(used().keySet()).containsAll(external());
  }

  /** Metric name → where it is first used. */
  private static Map<String, String> used() throws IOException {
    Map<String, String> used = new TreeMap<>();
    JsonNode rules = new YAMLMapper().readTree(MonitoringFiles.RULES.toFile());
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String where = "rule " + rule.path("alert").asText(rule.path("record").asText());
        PromqlNames.of(rule.get("expr").asText()).forEach(n -> used.putIfAbsent(n, where));
      }
    }
    JsonNode dashboard = new ObjectMapper().readTree(MonitoringFiles.DASHBOARD.toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String where = "panel " + panel.get("title").asText();
        PromqlNames.of(target.get("expr").asText()).forEach(n -> used.putIfAbsent(n, where));
      }
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if ("query".equals(variable.get("type").asText())) {
        String where = "variable " + variable.get("name").asText();
        PromqlNames.ofVariableQuery(variable.get("query").asText())
            .forEach(n -> used.putIfAbsent(n, where));
      }
    }
    return used;
  }

  private static Set<String> external() throws IOException {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(MonitoringFiles.EXTERNAL_METRICS)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        names.add(line.strip());
      }
    }
    return names;
  }
}

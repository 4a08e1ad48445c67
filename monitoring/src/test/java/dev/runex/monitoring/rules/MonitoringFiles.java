package dev.runex.monitoring.rules;

import java.nio.file.Path;

/** The monitoring module's shipped files (rules, rule tests, dashboard, schema). */
final class MonitoringFiles {
  static final Path DIR = Path.of(System.getProperty("runex.monitoring.dir", ".")).toAbsolutePath();
  static final Path PROMETHEUS = DIR.resolve("prometheus");
  static final Path RULES = PROMETHEUS.resolve("runex-alerts.yml");
  static final Path RULE_TESTS = PROMETHEUS.resolve("runex-alerts.test.yml");
  static final Path CONFIG = PROMETHEUS.resolve("prometheus.yml");
  static final Path EXTERNAL_METRICS = PROMETHEUS.resolve("external-metrics.txt");
  static final Path DASHBOARD = DIR.resolve("grafana/runex-dashboard.json");
  static final Path DASHBOARD_SCHEMA = DIR.resolve("grafana/schema/dashboard.schema.json");

  private MonitoringFiles() {}
}

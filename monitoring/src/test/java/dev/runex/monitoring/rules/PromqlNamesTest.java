package dev.runex.monitoring.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlNamesTest {

  @Test
  void findsMetricsNotFunctionsLabelsOrKeywords() {
    assertThat(
            PromqlNames.of(
                "sum by (type) (rate(runex_job_completed_total{outcome=~\"failed|retry\"}[10m]))"
                    + " / sum by (type) (rate(runex_job_completed_total[$__rate_interval])) > 0.1"
                    + " and on(type) up{job=\"runex\"} == bool 1"))
        .containsExactly("runex_job_completed_total", "up");
    assertThat(
            PromqlNames.of(
                "histogram_quantile(0.95, x_bucket) or max_over_time(y[1h]) offset 5m == +Inf"))
        .containsExactly("x_bucket", "y");
    assertThat(PromqlNames.of("min by (pool, priority) (runex_backlog_drain_time_seconds) == +Inf"))
        .containsExactly("runex_backlog_drain_time_seconds");
  }

  @Test
  void variableQueriesNameTheirMetricOnly() {
    assertThat(PromqlNames.ofVariableQuery("label_values(runex_backlog_waiting, pool)"))
        .containsExactly("runex_backlog_waiting");
    assertThat(PromqlNames.ofVariableQuery("label_values(up{job=\"runex\"}, instance)"))
        .containsExactly("up");
    assertThat(PromqlNames.ofVariableQuery("label_values(pool)")).isEmpty();
  }
}

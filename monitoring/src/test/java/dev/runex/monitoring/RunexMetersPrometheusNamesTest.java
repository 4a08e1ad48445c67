package dev.runex.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link RunexMeters#prometheusNames()} says what the rules and dashboard may query; this registers
 * every meter in Micrometer's real Prometheus registry and compares with what it scrapes.
 */
class RunexMetersPrometheusNamesTest {

  @Test
  void prometheusNamesAreWhatTheRegistryScrapes() {
    // given: every meter, registered as runex registers it
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (RunexMeters m : RunexMeters.values()) {
      String[] tags = Collections.nCopies(m.tagKeys().size(), "x").toArray(String[]::new);
      switch (m.kind()) {
        case COUNTER -> m.counter(registry, tags).increment();
        case TIMER -> m.timer(registry, tags).record(Duration.ofMillis(5));
        case SUMMARY -> m.summary(registry, tags).record(5);
        case GAUGE -> m.gauge(registry, new Object(), o -> 1.0, tags);
        case TIME_GAUGE -> m.timeGaugeSeconds(registry, new Object(), o -> 1.0, tags);
      }
    }

    // when
    Set<String> scraped = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#") && line.startsWith("runex_")) {
        scraped.add(line.split("[{ ]", 2)[0]);
      }
    }

    // then
    List<String> declared = new ArrayList<>();
    for (RunexMeters m : RunexMeters.values()) {
      declared.addAll(m.prometheusNames());
    }
    assertThat(scraped).containsExactlyInAnyOrderElementsOf(declared);
  }
}

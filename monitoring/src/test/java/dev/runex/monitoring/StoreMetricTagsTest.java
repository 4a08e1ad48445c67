package dev.runex.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class StoreMetricTagsTest {

  @Test
  void aRocksDbStoreAndAnInMemoryStoreBothReachTheScrapeUnderOneSetOfTagKeys() {
    // given a registry with the filter, and the same store meter as Kafka Streams' binder
    // registers it for a RocksDB store, then for an in-memory one
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new StoreMetricTags());

    // when
    Gauge.builder("kafka.stream.state.iterator.duration.max", () -> 7.0)
        .tags(Tags.of("rocksdb.state.id", "job-status", "task.id", "0_1", "thread.id", "t1"))
        .register(registry);
    Gauge.builder("kafka.stream.state.iterator.duration.max", () -> 3.0)
        .tags(
            Tags.of("in.memory.state.id", "control-commands", "task.id", "-1_-1", "thread.id", "g"))
        .register(registry);

    // then both are scraped, each with its store and kind
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains(
            "kafka_stream_state_iterator_duration_max{store=\"job-status\",store_type=\"rocksdb\"")
        .contains(
            "kafka_stream_state_iterator_duration_max{store=\"control-commands\","
                + "store_type=\"in-memory\"");
  }

  @Test
  void windowStoresKeepTheirKindAndOtherMetersAreLeftAlone() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new StoreMetricTags());

    Gauge.builder("kafka.stream.state.put.rate", () -> 1.0)
        .tags(Tags.of("rocksdb.window.state.id", "dedupe"))
        .register(registry);
    Gauge.builder("kafka.consumer.fetch.rate", () -> 1.0)
        .tags(Tags.of("client.id", "c1"))
        .register(registry);

    assertThat(registry.scrape())
        .contains("kafka_stream_state_put_rate{store=\"dedupe\",store_type=\"rocksdb-window\"}")
        .contains("kafka_consumer_fetch_rate{client_id=\"c1\"}");
  }
}

package dev.runex.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class WebhookSinkConfigTest {

  @Test
  void defaultsNeedOnlyTheUrlAndTheSecret() {
    WebhookSinkConfig cfg =
        new WebhookSinkConfig(
            Map.of(
                WebhookSinkConfig.URL,
                "https://hooks.example/runex",
                WebhookSinkConfig.SECRET,
                "k"));

    assertThat(cfg.retryPolicy())
        .isEqualTo(
            new RetryPolicy(
                5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(60)));
    assertThat(cfg.signatureHeader()).isEqualTo("X-Runex-Signature");
    assertThat(cfg.secret().toString()).doesNotContain("k").isEqualTo("[hidden]");
  }

  @Test
  void refusesAUrlThatIsNotHttp() {
    assertThatThrownBy(
            () ->
                new WebhookSinkConfig(
                    Map.of(WebhookSinkConfig.URL, "ftp://x/y", WebhookSinkConfig.SECRET, "k")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhook.url")
        .hasMessageContaining("ftp://x/y");
  }

  @Test
  void refusesAnEmptySecretWithoutPrintingIt() {
    assertThatThrownBy(
            () ->
                new WebhookSinkConfig(
                    Map.of(
                        WebhookSinkConfig.URL, "http://127.0.0.1/h", WebhookSinkConfig.SECRET, "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhook.secret");
  }

  @Test
  void refusesNegativeRetries() {
    assertThatThrownBy(
            () ->
                new WebhookSinkConfig(
                    Map.of(
                        WebhookSinkConfig.URL, "http://127.0.0.1/h",
                        WebhookSinkConfig.SECRET, "k",
                        WebhookSinkConfig.MAX_RETRIES, "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("webhook.retry.max.retries");
  }

  @Test
  void backoffDoublesUpToItsCapWithoutOverflowing() {
    RetryPolicy p =
        new RetryPolicy(100, Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ZERO);

    assertThat(p.backoffBefore(1)).isEqualTo(Duration.ofMillis(250));
    assertThat(p.backoffBefore(2)).isEqualTo(Duration.ofMillis(500));
    assertThat(p.backoffBefore(5)).isEqualTo(Duration.ofMillis(4000));
    assertThat(p.backoffBefore(6)).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.backoffBefore(99)).isEqualTo(Duration.ofSeconds(5));
  }
}

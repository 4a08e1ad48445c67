package dev.runex.connectors.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The webhook sink's settings, validated by Connect before a task starts (an invalid value fails
 * the connector's creation with the key and the value named). Every key is documented here once;
 * {@code docs/connectors.md} lists them and a test keeps the two in step.
 */
public final class WebhookSinkConfig extends AbstractConfig {
  public static final String URL = "webhook.url";
  public static final String SECRET = "webhook.secret";
  public static final String SIGNATURE_HEADER = "webhook.signature.header";
  public static final String TIMESTAMP_HEADER = "webhook.timestamp.header";
  public static final String CONNECT_TIMEOUT_MS = "webhook.connect.timeout.ms";
  public static final String REQUEST_TIMEOUT_MS = "webhook.request.timeout.ms";
  public static final String MAX_RETRIES = "webhook.retry.max.retries";
  public static final String BACKOFF_MS = "webhook.retry.backoff.ms";
  public static final String BACKOFF_MAX_MS = "webhook.retry.backoff.max.ms";
  public static final String RETRY_AFTER_MAX_MS = "webhook.retry.after.max.ms";

  public static final ConfigDef CONFIG_DEF =
      new ConfigDef()
          .define(
              URL,
              Type.STRING,
              ConfigDef.NO_DEFAULT_VALUE,
              WebhookSinkConfig::validateUrl,
              Importance.HIGH,
              "The endpoint every record is POSTed to (http or https). The body is the record"
                  + " value as JSON; headers: Content-Type application/json, Idempotency-Key"
                  + " <topic>-<partition>-<offset> (the record's coordinates, the same on every"
                  + " retry and redelivery), the signature and its timestamp.")
          .define(
              SECRET,
              Type.PASSWORD,
              ConfigDef.NO_DEFAULT_VALUE,
              WebhookSinkConfig::validateSecret,
              Importance.HIGH,
              "Shared secret for the HMAC-SHA256 signature. A password: Connect masks it in its"
                  + " REST API and logs; keep it out of files with a config provider, e.g."
                  + " ${env:RUNEX_WEBHOOK_SECRET} or ${file:/path/secrets.properties:webhook.secret}.")
          .define(
              SIGNATURE_HEADER,
              Type.STRING,
              "X-Runex-Signature",
              new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Header carrying the signature, sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">"
                  + " keyed with webhook.secret.")
          .define(
              TIMESTAMP_HEADER,
              Type.STRING,
              "X-Runex-Timestamp",
              new ConfigDef.NonEmptyString(),
              Importance.LOW,
              "Header carrying the signing time in Unix seconds (each attempt is signed anew), so"
                  + " a receiver can refuse stale or replayed requests.")
          .define(
              CONNECT_TIMEOUT_MS,
              Type.LONG,
              5_000L,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "How long to wait for a TCP connection to the endpoint.")
          .define(
              REQUEST_TIMEOUT_MS,
              Type.LONG,
              10_000L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "How long to wait for the endpoint's response; a timeout is retried.")
          .define(
              MAX_RETRIES,
              Type.INT,
              5,
              ConfigDef.Range.atLeast(0),
              Importance.HIGH,
              "Retries after the first attempt for HTTP 408, 429 and 5xx answers and connection"
                  + " errors. When they are used up the record goes to Connect's errant-record"
                  + " reporter: with errors.tolerance=all and errors.deadletterqueue.topic.name"
                  + " set, to that dead-letter topic; otherwise the task fails. Other answers"
                  + " (e.g. 400) are not retried. Keep the worst case (retries x request timeout"
                  + " plus back-off) well below the consumer's max.poll.interval.ms (300 s).")
          .define(
              BACKOFF_MS,
              Type.LONG,
              500L,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "Wait before the first retry; it doubles for each further retry.")
          .define(
              BACKOFF_MAX_MS,
              Type.LONG,
              30_000L,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "The longest back-off between two attempts.")
          .define(
              RETRY_AFTER_MAX_MS,
              Type.LONG,
              60_000L,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "A Retry-After header (seconds or an HTTP date) replaces the back-off for that"
                  + " retry. An endpoint asking for a longer wait than this gets the record"
                  + " given up at once (reported) instead of stalling the partition.");

  public WebhookSinkConfig(Map<?, ?> originals) {
    super(CONFIG_DEF, originals);
  }

  public URI url() {
    return URI.create(getString(URL));
  }

  public Password secret() {
    return getPassword(SECRET);
  }

  public String signatureHeader() {
    return getString(SIGNATURE_HEADER);
  }

  public String timestampHeader() {
    return getString(TIMESTAMP_HEADER);
  }

  public Duration connectTimeout() {
    return Duration.ofMillis(getLong(CONNECT_TIMEOUT_MS));
  }

  public Duration requestTimeout() {
    return Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS));
  }

  public RetryPolicy retryPolicy() {
    return new RetryPolicy(
        getInt(MAX_RETRIES),
        Duration.ofMillis(getLong(BACKOFF_MS)),
        Duration.ofMillis(getLong(BACKOFF_MAX_MS)),
        Duration.ofMillis(getLong(RETRY_AFTER_MAX_MS)));
  }

  private static void validateUrl(String name, Object value) {
    String text = value == null ? "" : value.toString().trim();
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, "not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new ConfigException(name, value, "must be an http:// or https:// URL with a host");
    }
  }

  private static void validateSecret(String name, Object value) {
    if (value == null || ((Password) value).value().isEmpty()) {
      throw new ConfigException(name, "[hidden]", "must not be empty");
    }
  }
}

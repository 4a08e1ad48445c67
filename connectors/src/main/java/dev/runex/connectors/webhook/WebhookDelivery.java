package dev.runex.connectors.webhook;

import dev.runex.connectors.ConnectorsVersion;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one record's JSON body to the endpoint: a signed POST, retried with exponential back-off
 * (or the server's Retry-After) on 408, 429, 5xx, timeouts and connection errors, up to the {@link
 * RetryPolicy}'s limit. Blocks the calling task thread while it waits: records of a partition stay
 * in order, and nothing is committed before it is delivered or given up.
 */
public final class WebhookDelivery {
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
  private static final int BODY_SNIPPET = 300;

  private final HttpClient http;
  private final URI url;
  private final Duration requestTimeout;
  private final WebhookSignature signature;
  private final String signatureHeader;
  private final String timestampHeader;
  private final RetryPolicy policy;
  private final Clock clock;
  private final Pauser pauser;

  public WebhookDelivery(WebhookSinkConfig cfg, Clock clock, Pauser pauser) {
    this(
        HttpClient.newBuilder()
            .connectTimeout(cfg.connectTimeout())
            // one small request per record: HTTP/1.1 keep-alive, no h2c upgrade dance on http://
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build(),
        cfg,
        clock,
        pauser);
  }

  WebhookDelivery(HttpClient http, WebhookSinkConfig cfg, Clock clock, Pauser pauser) {
    this.http = http;
    this.url = cfg.url();
    this.requestTimeout = cfg.requestTimeout();
    this.signature = new WebhookSignature(cfg.secret().value());
    this.signatureHeader = cfg.signatureHeader();
    this.timestampHeader = cfg.timestampHeader();
    this.policy = cfg.retryPolicy();
    this.clock = clock;
    this.pauser = pauser;
  }

  /** Delivers {@code body}, retrying as the policy allows; never throws for an endpoint failure. */
  public Delivery deliver(String idempotencyKey, byte[] body) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Attempt outcome = attempt(idempotencyKey, body);
      if (outcome instanceof Attempt.Delivered) {
        return new Delivery.Delivered(attempt);
      }
      if (outcome instanceof Attempt.Refused r) {
        return gaveUp(
            attempt,
            idempotencyKey,
            "refused with HTTP " + r.status() + " (not retried)" + snippet(r.body()));
      }
      Attempt.Retryable r = (Attempt.Retryable) outcome;
      if (attempt > policy.maxRetries()) {
        return gaveUp(
            attempt, idempotencyKey, "still failing after " + attempt + " attempts: " + r.reason());
      }
      Optional<Duration> asked = r.retryAfter();
      if (asked.isPresent() && asked.get().compareTo(policy.retryAfterMax()) > 0) {
        return gaveUp(
            attempt,
            idempotencyKey,
            r.reason()
                + " with Retry-After "
                + asked.get().toSeconds()
                + " s, longer than webhook.retry.after.max.ms ("
                + policy.retryAfterMax().toMillis()
                + " ms)");
      }
      Duration wait = asked.orElse(policy.backoffBefore(attempt));
      log.info(
          "Webhook {} for {}: {}; retry {} of {} in {} ms",
          url,
          idempotencyKey,
          r.reason(),
          attempt,
          policy.maxRetries(),
          wait.toMillis());
      pauser.pause(wait);
    }
  }

  private Delivery gaveUp(int attempts, String idempotencyKey, String why) {
    return new Delivery.GaveUp(
        attempts,
        new WebhookDeliveryException("POST " + url + " for " + idempotencyKey + " " + why));
  }

  private Attempt attempt(String idempotencyKey, byte[] body) throws InterruptedException {
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "runex-webhook-sink/" + ConnectorsVersion.get())
            .header(IDEMPOTENCY_KEY, idempotencyKey)
            .header(timestampHeader, Long.toString(timestamp))
            .header(signatureHeader, signature.sign(timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // refused or reset connections, DNS failures and timeouts all land here
      String reason =
          e.getMessage() == null
              ? e.getClass().getSimpleName()
              : e.getClass().getSimpleName() + ": " + e.getMessage();
      return new Attempt.Retryable(reason, Optional.empty());
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return new Attempt.Delivered(status);
    }
    if (status == 408 || status == 429 || status / 100 == 5) {
      return new Attempt.Retryable(
          "HTTP " + status,
          RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock));
    }
    return new Attempt.Refused(status, response.body());
  }

  private static String snippet(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String b = body.strip();
    return ": " + (b.length() > BODY_SNIPPET ? b.substring(0, BODY_SNIPPET) + "..." : b);
  }
}

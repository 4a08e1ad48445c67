package dev.runex.connectors.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature: {@code sha256=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<body>")>},
 * where {@code timestamp} is the Unix-seconds value sent in the timestamp header. Signing the
 * timestamp with the body lets a receiver refuse replays of an old request ({@link #verify} with a
 * tolerance). Receivers in other languages compute the same HMAC over the raw request bytes.
 */
public final class WebhookSignature {
  public static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  public WebhookSignature(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("the webhook secret must not be empty");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The signature header value for {@code body} sent at {@code timestampSeconds}. */
  public String sign(long timestampSeconds, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(hmac(timestampSeconds, body));
  }

  /**
   * True when {@code signature} is this secret's signature of {@code body} at {@code timestamp} and
   * the timestamp is within {@code tolerance} of {@code now}. Compares in constant time.
   */
  public boolean verify(
      String timestamp, String signature, byte[] body, Instant now, Duration tolerance) {
    if (timestamp == null || signature == null || !signature.startsWith(PREFIX)) {
      return false;
    }
    long seconds;
    byte[] given;
    try {
      seconds = Long.parseLong(timestamp.trim());
      given = HexFormat.of().parseHex(signature.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return false;
    }
    long age = Math.abs(now.getEpochSecond() - seconds);
    return age <= tolerance.toSeconds() && MessageDigest.isEqual(hmac(seconds, body), given);
  }

  private byte[] hmac(long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // every Java runtime ships HmacSHA256, and any byte string is a valid HMAC key
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}

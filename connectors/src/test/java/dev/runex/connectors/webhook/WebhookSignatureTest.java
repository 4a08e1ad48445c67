package dev.runex.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"id\":\"job-1\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
  private final WebhookSignature signature = new WebhookSignature("secret");

  @Test
  void matchesAKnownHmacSha256Vector() {
    // printf '1700000000.{"id":"job-1"}' | openssl dgst -sha256 -hmac secret
    assertThat(signature.sign(1_700_000_000L, BODY))
        .isEqualTo("sha256=5c8e0c7999d31c3ada52d8dbcbea633e4fd34fb2eacb74002af9023a8ceb7c0d");
  }

  @Test
  void verifiesItsOwnSignatureWithinTheTolerance() {
    String sig = signature.sign(NOW.getEpochSecond(), BODY);

    assertThat(
            signature.verify("1700000000", sig, BODY, NOW.plusSeconds(60), Duration.ofMinutes(5)))
        .isTrue();
  }

  @Test
  void refusesATamperedBodyAnotherSecretAStaleTimestampAndGarbage() {
    String sig = signature.sign(NOW.getEpochSecond(), BODY);
    byte[] tampered = "{\"id\":\"job-2\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(signature.verify("1700000000", sig, tampered, NOW, Duration.ofMinutes(5))).isFalse();
    assertThat(
            new WebhookSignature("other")
                .verify("1700000000", sig, BODY, NOW, Duration.ofMinutes(5)))
        .isFalse();
    assertThat(
            signature.verify("1700000000", sig, BODY, NOW.plusSeconds(301), Duration.ofMinutes(5)))
        .isFalse();
    assertThat(signature.verify("1700000001", sig, BODY, NOW, Duration.ofMinutes(5))).isFalse();
    assertThat(signature.verify("x", sig, BODY, NOW, Duration.ofMinutes(5))).isFalse();
    assertThat(signature.verify("1700000000", "sha256=zz", BODY, NOW, Duration.ofMinutes(5)))
        .isFalse();
    assertThat(signature.verify(null, null, BODY, NOW, Duration.ofMinutes(5))).isFalse();
  }
}

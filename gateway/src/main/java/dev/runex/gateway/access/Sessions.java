package dev.runex.gateway.access;

import dev.runex.config.ApiKeySpec;
import dev.runex.config.GatewayKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Console logins as signed tokens that hold no state on the server, so every gateway replica that
 * shares the session secret ({@link SessionSecret}) accepts a login made on any other, and across
 * restarts. A token (the HttpOnly cookie's value) is {@code v1.<key name>.<expiry>.<nonce>.<mac>}:
 * the configured name of the key the person logged in with (base64url; never the key itself), the
 * expiry in epoch seconds, 16 random bytes, and HMAC-SHA256 under the secret of everything before
 * it together with the key's SHA-256.
 *
 * <p>{@link #find} accepts a token only while its signature checks (compared in constant time), its
 * expiry lies ahead, and its key name still names a configured key whose secret has not changed
 * since; the caller is then rebuilt from that key, so a token never carries a scope or tenant of
 * its own. Nothing is remembered per login: logging out clears the browser's cookie, but a copy of
 * it taken earlier stays valid until it expires.
 */
public final class Sessions {
  private static final String VERSION = "v1";
  private static final String HMAC = "HmacSHA256";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final GatewayKeys keys;
  private final SecretKeySpec secret;
  private final SecureRandom random = new SecureRandom();
  private final Duration timeout;
  private final Clock clock;

  /** Logins for {@code keys}, signed with {@code secret}, each lasting {@code timeout}. */
  public Sessions(GatewayKeys keys, SessionSecret secret, Duration timeout, Clock clock) {
    this.keys = keys;
    this.secret = new SecretKeySpec(secret.bytes(), HMAC);
    this.timeout = timeout;
    this.clock = clock;
  }

  public Duration timeout() {
    return timeout;
  }

  /** A new login for {@code caller}, whose key must be configured; returns its token. */
  public String open(Caller caller) {
    ApiKeySpec key =
        keys.named(caller.keyName())
            .orElseThrow(
                () -> new IllegalArgumentException("no configured key " + caller.keyName()));
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    long expiry = clock.instant().plus(timeout).getEpochSecond();
    String payload =
        String.join(
            ".",
            VERSION,
            B64.encodeToString(caller.keyName().getBytes(StandardCharsets.UTF_8)),
            Long.toString(expiry),
            B64.encodeToString(nonce));
    return payload + "." + B64.encodeToString(mac(payload, key));
  }

  /** The caller a token names, rebuilt from its configured key; empty for anything not valid. */
  public Optional<Caller> find(String token) {
    if (token == null || token.length() > 1024) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 5 || !parts[0].equals(VERSION)) {
      return Optional.empty();
    }
    try {
      String name = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
      long expiry = Long.parseLong(parts[2]);
      byte[] presented = B64D.decode(parts[4]);
      Optional<ApiKeySpec> key = keys.named(name);
      if (key.isEmpty()) {
        return Optional.empty();
      }
      String payload = token.substring(0, token.lastIndexOf('.'));
      if (!MessageDigest.isEqual(mac(payload, key.get()), presented)
          || !Instant.ofEpochSecond(expiry).isAfter(clock.instant())) {
        return Optional.empty();
      }
      return Optional.of(Caller.of(key.get()));
    } catch (IllegalArgumentException e) {
      // not base64url or not a number: not a token this gateway made
      return Optional.empty();
    }
  }

  /**
   * HMAC of the token's text and the key's SHA-256: a key given a new secret under the same name
   * ends the logins made with the old one.
   */
  private byte[] mac(String payload, ApiKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(secret);
      mac.update(payload.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return mac.doFinal(key.sha256());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + HMAC, e);
    }
  }
}

package dev.runex.gateway.access;

import dev.runex.config.ConfigException;
import dev.runex.config.RunexConfig;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret that signs console logins ({@link Sessions}): read from where {@code
 * runex.gateway.sessionSecret} points, or, when that is unset, made at random for this process.
 * Never logged, never in {@link #toString()}.
 */
public final class SessionSecret {
  /** The shortest secret accepted: HMAC-SHA256 gains nothing from more, loses from less. */
  public static final int MIN_BYTES = 32;

  private static final Logger log = LoggerFactory.getLogger(SessionSecret.class);

  private final byte[] bytes;

  private SessionSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A configured secret; a {@link ConfigException} when it is shorter than {@link #MIN_BYTES}. */
  public static SessionSecret of(String setting, String secret) {
    byte[] b = secret.getBytes(StandardCharsets.UTF_8);
    if (b.length < MIN_BYTES) {
      throw new ConfigException(
          setting + ": the session secret must be at least " + MIN_BYTES + " bytes");
    }
    return new SessionSecret(b);
  }

  /** A random secret, known to this process only. */
  public static SessionSecret random() {
    byte[] b = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(b);
    return new SessionSecret(b);
  }

  /** The secret {@code cfg} names (read from {@code env} or a file), else a random one. */
  public static SessionSecret resolve(RunexConfig cfg, Map<String, String> env) {
    return cfg.gatewaySessionSecret()
        .map(
            ref -> {
              SessionSecret secret = of(ref.setting(), ref.read(env));
              log.info("console logins are signed with the session secret from {}", ref);
              return secret;
            })
        .orElseGet(
            () -> {
              log.info(
                  "runex.gateway.sessionSecret is not set: console logins are signed with a random"
                      + " secret and hold on this gateway instance only, until it stops (set it to"
                      + " share logins between replicas and across restarts)");
              return random();
            });
  }

  byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public String toString() {
    return "SessionSecret[hidden]";
  }
}

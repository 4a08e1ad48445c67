package dev.runex.gateway.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console logins: a random token (the HttpOnly cookie's value) per login, mapped to the caller its
 * key named, until it expires or the user logs out. The key itself never goes into a cookie. Held
 * in memory: a restarted gateway asks for the key again.
 */
public final class Sessions {
  private record Session(Caller caller, Instant expiresAt) {}

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration timeout;
  private final Clock clock;

  public Sessions(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
  }

  public Duration timeout() {
    return timeout;
  }

  /** A new session for {@code caller}; returns its token. */
  public String open(Caller caller) {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    sessions.put(token, new Session(caller, now.plus(timeout)));
    return token;
  }

  public Optional<Caller> find(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Session s = sessions.get(token);
    if (s == null || !s.expiresAt().isAfter(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(s.caller());
  }

  public void close(String token) {
    if (token != null) {
      sessions.remove(token);
    }
  }
}

package dev.runex.gateway.access;

import dev.runex.config.GatewayKeys;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Finds the caller of a request: an API key in {@code Authorization: Bearer <key>} or {@code
 * X-Api-Key: <key>}, else a console session cookie. Keys are compared by SHA-256 (see {@link
 * GatewayKeys}); nothing presented is ever logged.
 */
public final class Authenticator {
  public static final String SESSION_COOKIE = "runex_session";
  public static final String KEY_HEADER = "X-Api-Key";
  private static final String CALLER = "runex.caller";

  private final GatewayKeys keys;
  private final Sessions sessions;

  public Authenticator(GatewayKeys keys, Sessions sessions) {
    this.keys = keys;
    this.sessions = sessions;
  }

  public Sessions sessions() {
    return sessions;
  }

  /** The caller a key secret names, if any (the login form's check). */
  public Optional<Caller> byKey(String secret) {
    return keys.match(secret).map(Caller::of);
  }

  /** Who sent {@code ctx}, if anyone known; remembered on the request. */
  public Optional<Caller> identify(Context ctx) {
    Caller known = ctx.attribute(CALLER);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Caller> caller = fromHeaders(ctx);
    if (caller.isEmpty()) {
      caller = sessions.find(ctx.cookie(SESSION_COOKIE));
    }
    caller.ifPresent(c -> ctx.attribute(CALLER, c));
    return caller;
  }

  private Optional<Caller> fromHeaders(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return byKey(auth.substring(7).trim());
    }
    String key = ctx.header(KEY_HEADER);
    return key == null ? Optional.empty() : byKey(key);
  }

  /** The request's caller; the route must run behind an authentication check. */
  public static Caller caller(Context ctx) {
    Caller c = ctx.attribute(CALLER);
    if (c == null) {
      throw new IllegalStateException("route " + ctx.path() + " runs without authentication");
    }
    return c;
  }
}

package dev.runex.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.ApiKeySpec;
import dev.runex.config.ConfigLoader;
import dev.runex.config.GatewayKeys;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.GatewayParts;
import dev.runex.gateway.GatewayServer;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.access.SessionSecret;
import dev.runex.gateway.access.Sessions;
import dev.runex.gateway.api.DeadLettersApi;
import dev.runex.gateway.api.JobsApi;
import dev.runex.gateway.api.OperationsApi;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The login form's cookie, over real HTTP against the gateway's own routes: HttpOnly,
 * SameSite=Strict, Path=/, Secure only when the browser came over HTTPS, a value that names the key
 * without holding it, accepted by another gateway with the same secret; logging out clears it.
 */
class ConsoleLoginCookieTest {
  private static final GatewayKeys KEYS =
      new GatewayKeys(
          List.of(
              new ApiKeySpec(
                  "acme-ci", ApiKeySpec.Scope.TENANT, "acme", ApiKeySpec.hash("acme-secret"))));
  private static final SessionSecret SECRET =
      SessionSecret.of("test", "the-secret-every-replica-is-given");

  private final HttpClient http = HttpClient.newHttpClient();
  private Javalin app;

  @BeforeEach
  void start() {
    app = GatewayServer.create(parts(sessions()));
    app.start("127.0.0.1", 0);
  }

  @AfterEach
  void stop() {
    app.stop();
  }

  @Test
  void aLoginSetsAnHttpOnlyStrictCookieThatNamesTheKeyWithoutHoldingIt() throws Exception {
    HttpResponse<String> r = post("/login", "key=acme-secret", Map.of());

    String cookie = setCookie(r);
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(cookie)
        .startsWith(Authenticator.SESSION_COOKIE + "=v1.")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .contains("Path=/")
        .doesNotContainIgnoringCase("Secure;")
        .doesNotContain("acme-secret");
    assertThat(sessions().find(value(cookie)))
        .as("another gateway with the same secret")
        .contains(new Caller.Tenant("acme-ci", "acme"));
  }

  @Test
  void overHttpsTheCookieIsSecure() throws Exception {
    HttpResponse<String> r =
        post("/login", "key=acme-secret", Map.of("X-Forwarded-Proto", "https"));

    assertThat(setCookie(r)).containsIgnoringCase("; Secure");
  }

  @Test
  void anUnknownKeyGetsNoCookie() throws Exception {
    HttpResponse<String> r = post("/login", "key=wrong", Map.of());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void loggingOutClearsTheCookie() throws Exception {
    String cookie = value(setCookie(post("/login", "key=acme-secret", Map.of())));

    HttpResponse<String> r =
        post("/logout", "", Map.of("Cookie", Authenticator.SESSION_COOKIE + "=" + cookie));

    String cleared = setCookie(r);
    assertThat(r.headers().firstValue("Location")).contains("/login");
    assertThat(value(cleared)).isEmpty();
    assertThat(cleared)
        .as("expired at once")
        .containsAnyOf("Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT")
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict");
  }

  private static Sessions sessions() {
    return new Sessions(KEYS, SECRET, Duration.ofHours(12), Clock.systemUTC());
  }

  /** The routes need only the authenticator here; the API's parts are never called. */
  private static GatewayParts parts(Sessions sessions) {
    RunexConfig cfg = ConfigLoader.load(null, Map.of(), Map.of());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new GatewayParts(
        cfg,
        1024,
        new Authenticator(KEYS, sessions),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        meters,
        new JobsApi(cfg, null, null, null, null, meters),
        new OperationsApi(null, null, null, null, null),
        new DeadLettersApi(null, null));
  }

  private HttpResponse<String> post(String path, String form, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String setCookie(HttpResponse<String> r) {
    return r.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(Authenticator.SESSION_COOKIE + "="))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie in " + r.headers().map()));
  }

  private static String value(String setCookie) {
    String first = setCookie.split(";", 2)[0];
    return first.substring(first.indexOf('=') + 1);
  }
}

package dev.runex.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.config.ApiKeySpec;
import dev.runex.config.ConfigException;
import dev.runex.config.ConfigLoader;
import dev.runex.config.GatewayKeys;
import dev.runex.config.RunexConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private static final ApiKeySpec OPS =
      new ApiKeySpec("ops", ApiKeySpec.Scope.OPERATOR, null, ApiKeySpec.hash("ops-secret"));
  private static final ApiKeySpec ACME =
      new ApiKeySpec("acme-ci", ApiKeySpec.Scope.TENANT, "acme", ApiKeySpec.hash("acme-secret"));
  private static final GatewayKeys KEYS = new GatewayKeys(List.of(OPS, ACME));
  private static final SessionSecret SECRET =
      SessionSecret.of("test", "a-shared-secret-of-at-least-32-bytes");

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  private Sessions sessions(GatewayKeys keys, SessionSecret secret) {
    return new Sessions(keys, secret, Duration.ofHours(1), clock);
  }

  @Test
  void aTokenNamesTheCallerItsKeyMakesUntilItExpires() {
    Sessions sessions = sessions(KEYS, SECRET);

    String acme = sessions.open(new Caller.Tenant("acme-ci", "acme"));
    String ops = sessions.open(new Caller.Operator("ops"));
    String again = sessions.open(new Caller.Tenant("acme-ci", "acme"));

    assertThat(sessions.find(acme)).contains(new Caller.Tenant("acme-ci", "acme"));
    assertThat(sessions.find(ops)).contains(new Caller.Operator("ops"));
    assertThat(again).as("a random nonce per login").isNotEqualTo(acme);
    assertThat(acme).doesNotContain("acme-secret");
    now = now.plus(Duration.ofMinutes(59));
    assertThat(sessions.find(acme)).isPresent();
    now = now.plus(Duration.ofMinutes(1));
    assertThat(sessions.find(acme)).as("expired").isEmpty();
  }

  @Test
  void aTamperedSignatureExpiryOrKeyNameIsRejected() {
    Sessions sessions = sessions(KEYS, SECRET);
    String token = sessions.open(new Caller.Tenant("acme-ci", "acme"));
    String[] p = token.split("\\.");

    String mac = p[4];
    String flipped = (mac.charAt(0) == 'A' ? "B" : "A") + mac.substring(1);
    String later = Long.toString(Long.parseLong(p[2]) + 86_400);
    String opsName = b64("ops");

    assertThat(sessions.find(join(p[0], p[1], p[2], p[3], flipped))).as("signature").isEmpty();
    assertThat(sessions.find(join(p[0], p[1], later, p[3], mac))).as("expiry").isEmpty();
    assertThat(sessions.find(join(p[0], opsName, p[2], p[3], mac))).as("key name").isEmpty();
    assertThat(sessions.find(join(p[0], p[1], p[2], b64("other nonce"), mac))).isEmpty();
    assertThat(sessions.find(join(p[0], p[1], p[2], p[3], ""))).isEmpty();
    assertThat(sessions.find(token)).as("the untouched token").isPresent();
  }

  @Test
  void aKeyNameNoConfiguredKeyHasIsRejected() {
    GatewayKeys withGhost =
        KEYS.with(new ApiKeySpec("ghost", ApiKeySpec.Scope.OPERATOR, null, ApiKeySpec.hash("boo")));
    String ghost = sessions(withGhost, SECRET).open(new Caller.Operator("ghost"));

    assertThat(sessions(KEYS, SECRET).find(ghost)).isEmpty();
    assertThatThrownBy(() -> sessions(KEYS, SECRET).open(new Caller.Operator("ghost")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void removingAKeyOrGivingItANewSecretEndsItsLogins() {
    String acme = sessions(KEYS, SECRET).open(new Caller.Tenant("acme-ci", "acme"));
    String ops = sessions(KEYS, SECRET).open(new Caller.Operator("ops"));
    GatewayKeys acmeRemoved = new GatewayKeys(List.of(OPS));
    GatewayKeys acmeReissued =
        new GatewayKeys(
            List.of(
                OPS,
                new ApiKeySpec(
                    "acme-ci", ApiKeySpec.Scope.TENANT, "acme", ApiKeySpec.hash("new-secret"))));

    assertThat(sessions(acmeRemoved, SECRET).find(acme)).isEmpty();
    assertThat(sessions(acmeRemoved, SECRET).find(ops)).contains(new Caller.Operator("ops"));
    assertThat(sessions(acmeReissued, SECRET).find(acme)).isEmpty();
  }

  @Test
  void theCallerIsRebuiltFromTheKeyAsConfiguredNow() {
    String token = sessions(KEYS, SECRET).open(new Caller.Tenant("acme-ci", "acme"));
    GatewayKeys moved =
        new GatewayKeys(
            List.of(
                OPS,
                new ApiKeySpec(
                    "acme-ci",
                    ApiKeySpec.Scope.TENANT,
                    "acme-eu",
                    ApiKeySpec.hash("acme-secret"))));

    assertThat(sessions(moved, SECRET).find(token))
        .contains(new Caller.Tenant("acme-ci", "acme-eu"));
  }

  @Test
  void anotherSecretRejectsTheToken() {
    String token = sessions(KEYS, SECRET).open(new Caller.Operator("ops"));

    assertThat(
            sessions(KEYS, SessionSecret.of("test", "another-secret-of-at-least-32-bytes"))
                .find(token))
        .isEmpty();
    assertThat(sessions(KEYS, SessionSecret.random()).find(token)).isEmpty();
  }

  @Test
  void twoGatewaysConfiguredWithTheSameSecretAcceptEachOthersLogins() {
    Map<String, String> env =
        Map.of(
            "SESSION_SECRET",
            "the-secret-both-replicas-are-given",
            "OPS_KEY",
            "ops-secret",
            "ACME_KEY",
            "acme-secret");
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            """
            runex:
              gateway:
                sessionSecret: env:SESSION_SECRET
                keys:
                  ops: {scope: operator, env: OPS_KEY}
                  acme-ci: {tenant: acme, env: ACME_KEY}
            """,
            env,
            Map.of());
    Authenticator first = authenticator(cfg, env);
    Authenticator second = authenticator(cfg, env);

    String fromFirst = first.sessions().open(first.byKey("acme-secret").orElseThrow());
    String fromSecond = second.sessions().open(second.byKey("ops-secret").orElseThrow());

    assertThat(second.sessions().find(fromFirst)).contains(new Caller.Tenant("acme-ci", "acme"));
    assertThat(first.sessions().find(fromSecond)).contains(new Caller.Operator("ops"));
  }

  @Test
  void withoutAConfiguredSecretEachGatewayAcceptsOnlyItsOwnLogins() {
    RunexConfig cfg =
        ConfigLoader.fromYaml(
            "runex:\n  gateway:\n    keys:\n      ops: {scope: operator, env: OPS_KEY}\n",
            Map.of("OPS_KEY", "ops-secret"),
            Map.of());
    Authenticator first = authenticator(cfg, Map.of("OPS_KEY", "ops-secret"));
    Authenticator second = authenticator(cfg, Map.of("OPS_KEY", "ops-secret"));

    String token = first.sessions().open(new Caller.Operator("ops"));

    assertThat(first.sessions().find(token)).isPresent();
    assertThat(second.sessions().find(token)).isEmpty();
  }

  @Test
  void aShortSecretIsRefusedAndNoSecretIsPrinted() {
    assertThatThrownBy(() -> SessionSecret.of("runex.gateway.sessionSecret", "too-short"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 32 bytes")
        .hasMessageNotContaining("too-short");
    assertThat(SECRET.toString()).doesNotContain("a-shared-secret");
  }

  @Test
  void anythingElseIsNoToken() {
    Sessions sessions = sessions(KEYS, SECRET);

    assertThat(sessions.find(null)).isEmpty();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find("forged")).isEmpty();
    assertThat(sessions.find("v1.!!.x.y.z")).isEmpty();
    assertThat(sessions.find("v2." + b64("ops") + ".99999999999.AAAA.AAAA")).isEmpty();
    assertThat(sessions.find("v1." + b64("ops") + ".notanumber.AAAA.AAAA.extra")).isEmpty();
  }

  @Test
  void aTenantCallerSeesItsTenantOnly() {
    Caller acme = new Caller.Tenant("acme-ci", "acme");

    assertThat(acme.sees("acme")).isTrue();
    assertThat(acme.sees("globex")).isFalse();
    assertThat(acme.sees(null)).isFalse();
    assertThat(new Caller.Operator("ops").sees(null)).isTrue();
    assertThat(acme.actor()).isEqualTo("gateway:acme-ci");
  }

  private Authenticator authenticator(RunexConfig cfg, Map<String, String> env) {
    GatewayKeys keys = cfg.gatewayKeys().resolve(env);
    return new Authenticator(
        keys, new Sessions(keys, SessionSecret.resolve(cfg, env), Duration.ofHours(12), clock));
  }

  private static String b64(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String join(String... parts) {
    return String.join(".", parts);
  }
}

package dev.runex.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayKeysTest {
  private static final String OPS_SHA = HexFormat.of().formatHex(ApiKeySpec.hash("ops-secret"));

  private static RunexConfig load(String gateway, Map<String, String> env) {
    return ConfigLoader.fromYaml("runex:\n  gateway:\n" + gateway, env, Map.of());
  }

  @Test
  void matchesKeysGivenAsHashEnvironmentVariableOrFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("globex.key"), "globex-secret\n");
    RunexConfig cfg =
        load(
            """
                port: 9999
                keys:
                  ops: {scope: operator, sha256: %s}
                  acme: {tenant: acme, env: ACME_KEY}
                  globex: {scope: tenant, tenant: globex, file: %s}
            """
                .formatted(OPS_SHA, dir.resolve("globex.key")),
            Map.of("ACME_KEY", "acme-secret"));

    GatewayKeys keys = cfg.gatewayKeys();
    assertThat(cfg.intValue(Settings.GATEWAY_PORT)).isEqualTo(9999);
    assertThat(keys.match("ops-secret").orElseThrow().scope()).isEqualTo(ApiKeySpec.Scope.OPERATOR);
    assertThat(keys.match("acme-secret").orElseThrow().tenant()).isEqualTo("acme");
    assertThat(keys.match("globex-secret").orElseThrow().name()).isEqualTo("globex");
    assertThat(keys.match("wrong")).isEmpty();
    assertThat(keys.match(null)).isEmpty();
  }

  @Test
  void neverPrintsSecretsOrHashes() {
    RunexConfig cfg =
        load(
            "    keys:\n      acme: {tenant: acme, env: ACME_KEY}\n",
            Map.of("ACME_KEY", "acme-secret"));
    String hash = HexFormat.of().formatHex(ApiKeySpec.hash("acme-secret"));

    assertThat(cfg.gatewayKeys().toString() + cfg.gatewayKeys().all() + cfg)
        .doesNotContain("acme-secret")
        .doesNotContain(hash)
        .contains("acme");
  }

  @Test
  void refusesIncompleteOrAmbiguousKeys() {
    assertThatThrownBy(
            () -> load("    keys:\n      a: {scope: tenant, sha256: " + OPS_SHA + "}\n", Map.of()))
        .hasMessageContaining("runex.gateway.keys.a.tenant is required");
    assertThatThrownBy(
            () ->
                load(
                    "    keys:\n      a: {tenant: t, sha256: " + OPS_SHA + ", env: X}\n", Map.of()))
        .hasMessageContaining("exactly one of sha256, env or file");
    assertThatThrownBy(() -> load("    keys:\n      a: {tenant: t, env: MISSING}\n", Map.of()))
        .hasMessageContaining("MISSING is not set");
    assertThatThrownBy(() -> load("    keys:\n      a: {tenant: t, sha256: abc}\n", Map.of()))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> load("    keys:\n      a: {tenant: t, secret: abc}\n", Map.of()))
        .hasMessageContaining("unknown setting runex.gateway.keys.a.secret");
    assertThatThrownBy(() -> load("    colour: blue\n", Map.of()))
        .hasMessageContaining("unknown setting runex.gateway.colour");
  }
}

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

  /** One key {@code name} with {@code block} (its scope or tenant) whose secret is {@code file}. */
  private static GatewayKeys fileKey(String name, String block, Path file) {
    return load("    keys:\n      %s: {%s, file: %s}\n".formatted(name, block, file), Map.of())
        .gatewayKeys();
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

    GatewayKeys keys = cfg.gatewayKeys().resolve(Map.of("ACME_KEY", "acme-secret"));
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

    GatewayKeys resolved = cfg.gatewayKeys().resolve(Map.of("ACME_KEY", "acme-secret"));

    assertThat(cfg.gatewayKeys().toString() + cfg.gatewayKeys().declared() + cfg)
        .doesNotContain("acme-secret")
        .doesNotContain(hash)
        .contains("acme");
    assertThat(resolved.toString() + resolved.all())
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
    assertThatThrownBy(() -> load("    keys:\n      a: {tenant: t, file: \" \"}\n", Map.of()))
        .hasMessageContaining("runex.gateway.keys.a.file must name a file");
    assertThatThrownBy(() -> load("    keys:\n      a: {scope: boss, env: X}\n", Map.of()))
        .hasMessageContaining("runex.gateway.keys.a.scope must be operator or tenant");
    assertThatThrownBy(
            () -> load("    keys:\n      a: {scope: operator, tenant: t, env: X}\n", Map.of()))
        .hasMessageContaining("an operator key sees every tenant");
    assertThatThrownBy(() -> load("    keys:\n      a: {tenant: t, sha256: abc}\n", Map.of()))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> load("    keys:\n      a: {tenant: t, secret: abc}\n", Map.of()))
        .hasMessageContaining("unknown setting runex.gateway.keys.a.secret");
    assertThatThrownBy(() -> load("    colour: blue\n", Map.of()))
        .hasMessageContaining("unknown setting runex.gateway.colour");
  }

  @Test
  void loadingReadsNoReferencedSecretOnlyResolvingDoes(@TempDir Path dir) {
    Path absent = dir.resolve("no-such.key");
    RunexConfig cfg =
        load(
            """
                keys:
                  ops: {scope: operator, file: %s}
                  acme: {tenant: acme, env: ACME_KEY}
            """
                .formatted(absent),
            Map.of());

    assertThat(cfg.gatewayKeys().declared())
        .extracting(DeclaredKey::name)
        .containsExactly("ops", "acme");
    assertThatThrownBy(() -> cfg.gatewayKeys().resolve(Map.of("ACME_KEY", "acme-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.gateway.keys.ops.file: cannot read " + absent);
  }

  @Test
  void anUnsetVariableFailsTheResolvingNotTheLoadAndIsNamed() {
    RunexConfig cfg = load("    keys:\n      acme: {tenant: acme, env: ACME_KEY}\n", Map.of());

    assertThatThrownBy(() -> cfg.gatewayKeys().resolve(Map.of("OTHER", "acme-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "runex.gateway.keys.acme.env: environment variable ACME_KEY is not set")
        .hasMessageNotContaining("acme-secret");
  }

  @Test
  void anEmptyKeyFileIsRefusedWithoutEchoingAnything(@TempDir Path dir) throws Exception {
    Path blank = Files.writeString(dir.resolve("blank.key"), "  \n");
    GatewayKeys declared = fileKey("ops", "scope: operator", blank);

    assertThatThrownBy(() -> declared.resolve(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.gateway.keys.ops.file: " + blank + " is empty");
  }

  @Test
  void aTenantKeyFromAFileResolvesToItsSecretAndTenant(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("tenant-demo"), "demo-secret\n");
    GatewayKeys declared = fileKey("tenant-demo", "tenant: demo", file);

    GatewayKeys keys = declared.resolve(Map.of());

    ApiKeySpec demo = keys.match("demo-secret").orElseThrow();
    assertThat(demo.name()).isEqualTo("tenant-demo");
    assertThat(demo.scope()).isEqualTo(ApiKeySpec.Scope.TENANT);
    assertThat(demo.tenant()).isEqualTo("demo");
    assertThat(keys.named("tenant-demo")).contains(demo);
    assertThat(keys.match("demo-secret\n")).contains(demo);
    assertThat(keys.match("other")).isEmpty();
  }

  @Test
  void resolvedKeysAreReadOnceAndUnresolvedOnesCannotBeMatched(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("ops"), "ops-secret");
    GatewayKeys declared = fileKey("ops", "scope: operator", file);
    GatewayKeys keys = declared.resolve(Map.of());
    Files.delete(file);

    // resolving again reads nothing: the file is gone
    assertThat(keys.resolve(Map.of())).isSameAs(keys);
    assertThat(keys.match("ops-secret")).isPresent();
    assertThatThrownBy(() -> declared.match("ops-secret"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runex.gateway.keys.ops is a reference");
  }
}

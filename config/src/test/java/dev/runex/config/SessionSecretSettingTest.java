package dev.runex.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionSecretSettingTest {
  private static final Map<String, String> ENV =
      Map.of("SESSION_SECRET", "  a-secret-of-the-console-logins-32b  \n");

  private static RunexConfig load(String sessionSecret, Map<String, String> env) {
    return ConfigLoader.fromYaml(
        "runex:\n  gateway:\n    sessionSecret: \"" + sessionSecret + "\"\n", env, Map.of());
  }

  @Test
  void unsetByDefault() {
    assertThat(ConfigLoader.fromYaml("runex: {}", Map.of(), Map.of()).gatewaySessionSecret())
        .isEmpty();
  }

  @Test
  void readsTheSecretFromAnEnvironmentVariableOrAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("session-secret");
    Files.writeString(file, "from-a-mounted-secret-file-of-32-bytes\n");

    assertThat(load("env:SESSION_SECRET", ENV).gatewaySessionSecret().orElseThrow().read(ENV))
        .isEqualTo("a-secret-of-the-console-logins-32b");
    assertThat(load("file:" + file, ENV).gatewaySessionSecret().orElseThrow().read(ENV))
        .isEqualTo("from-a-mounted-secret-file-of-32-bytes");
  }

  @Test
  void theEnvironmentOverrideIsAReferenceToo() {
    Map<String, String> env = Map.of("RUNEX_GATEWAY_SESSION_SECRET", "env:OTHER", "OTHER", "s");
    SecretReference ref =
        ConfigLoader.fromYaml("runex: {}", env, Map.of()).gatewaySessionSecret().orElseThrow();

    assertThat(ref).isEqualTo(new SecretReference.Env("runex.gateway.sessionSecret", "OTHER"));
  }

  @Test
  void aSecretWrittenIntoTheConfigurationIsRefusedWithoutBeingRepeated() {
    assertThatThrownBy(() -> load("my-plain-console-secret", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.gateway.sessionSecret must be a reference")
        .hasMessageNotContaining("my-plain-console-secret");
  }

  @Test
  void aMissingVariableOrFileIsNamedWhenTheSecretIsRead(@TempDir Path dir) {
    SecretReference env = load("env:NOT_THERE", Map.of()).gatewaySessionSecret().orElseThrow();
    SecretReference file =
        load("file:" + dir.resolve("absent"), Map.of()).gatewaySessionSecret().orElseThrow();

    assertThatThrownBy(() -> env.read(Map.of()))
        .hasMessageContaining("runex.gateway.sessionSecret: environment variable NOT_THERE");
    assertThatThrownBy(() -> file.read(Map.of()))
        .hasMessageContaining("runex.gateway.sessionSecret: cannot read " + dir.resolve("absent"));
  }

  @Test
  void theConfigurationPrintsTheReferenceNeverTheSecret() {
    RunexConfig cfg = load("env:SESSION_SECRET", ENV);

    assertThat(cfg.toString())
        .contains("runex.gateway.sessionSecret=env:SESSION_SECRET")
        .doesNotContain("a-secret-of-the-console-logins");
  }
}

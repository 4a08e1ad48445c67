package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.ApiKeyReference;
import dev.runex.config.ApiKeySpec;
import dev.runex.config.DeclaredKey;
import dev.runex.config.GatewayKeys;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.config.SecretReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway starts only with API keys: the shared runex.yaml declares them ({@code
 * runex.gateway.keys}) as files of the Secret runex-api-keys, which only the gateway mounts. Each
 * reference points into that mount at a key the Secret has, a tenant key's tenant may submit the
 * job types, and the topology and workers load the same file without the Secret, since only the
 * gateway reads key files (when it starts).
 */
class GatewayApiKeysTest {
  private static final String SECRET = "runex-api-keys";

  @Test
  void everyGatewayKeyIsAFileOfTheMountedSecret() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");
      String where = dir.getFileName() + " " + gateway.describe();
      RunexConfig cfg = PodConfig.of(objects, gateway, "gateway").load();

      GatewayKeys keys = mountedKeys(objects, gateway, cfg);

      assertThat(keys.all()).as(where).anyMatch(k -> k.scope() == ApiKeySpec.Scope.OPERATOR);
      for (ApiKeySpec k : keys.all()) {
        if (k.scope() == ApiKeySpec.Scope.TENANT) {
          assertThat(cfg.jobTypes().values())
              .as(
                  where
                      + ": a job type tenant "
                      + k.tenant()
                      + " (key "
                      + k.name()
                      + ") may submit")
              .anyMatch(t -> allows(t, k.tenant()));
        }
      }
    }
  }

  @Test
  void theTopologyAndWorkersLoadTheKeysWithoutTheSecret() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest w : Overlays.workloads(objects)) {
        String component = Overlays.component(w);
        if (component.equals("gateway")) {
          continue;
        }
        String where = dir.getFileName() + " " + w.describe();
        assertThat(MountedSecrets.mounts(w, SECRET)).as(where + " mounts " + SECRET).isFalse();

        RunexConfig cfg = PodConfig.of(objects, w, component).load();

        // loaded though no key file exists here: the references were not read
        assertThat(cfg.gatewayKeys().declared()).as(where).isNotEmpty();
        for (DeclaredKey k : cfg.gatewayKeys().declared()) {
          if (k instanceof ApiKeyReference r && r.secret() instanceof SecretReference.File f) {
            assertThat(Path.of(f.path()))
                .as(where + ": no key file on this machine")
                .doesNotExist();
          }
        }
      }
    }
  }

  @Test
  void aKeyTheSecretDoesNotHaveFailsTheCheck() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    ((ObjectNode) PodConfig.find(objects, "Secret", SECRET).tree().get("stringData"))
        .remove("tenant-demo");
    Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");
    RunexConfig cfg = PodConfig.of(objects, gateway, "gateway").load();

    assertThatThrownBy(() -> mountedKeys(objects, gateway, cfg))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has no key tenant-demo");
  }

  @Test
  void aKeyFileOutsideTheMountFailsTheCheck() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    Manifest cm = PodConfig.find(objects, "ConfigMap", "runex-config");
    String yaml = cm.at("/data/runex.yaml").asText();
    ((ObjectNode) cm.tree().get("data"))
        .put(
            "runex.yaml",
            yaml.replace("file: /etc/runex/api-keys/operator", "file: /etc/runex/keys/operator"));
    Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");
    RunexConfig cfg = PodConfig.of(objects, gateway, "gateway").load();

    assertThatThrownBy(() -> mountedKeys(objects, gateway, cfg))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no Secret is mounted at /etc/runex/keys/operator");
  }

  /**
   * The gateway's keys as it would resolve them in its pod: every key a file of a mounted Secret,
   * hashed from the Secret's (placeholder) value.
   */
  private static GatewayKeys mountedKeys(
      List<Manifest> objects, Manifest gateway, RunexConfig cfg) {
    List<DeclaredKey> declared = cfg.gatewayKeys().declared();
    if (declared.isEmpty()) {
      throw new AssertionError(gateway.describe() + " has no runex.gateway.keys: it cannot start");
    }
    List<ApiKeySpec> resolved = new ArrayList<>();
    for (DeclaredKey k : declared) {
      if (!(k instanceof ApiKeyReference r && r.secret() instanceof SecretReference.File file)) {
        throw new AssertionError(
            gateway.describe() + ": key " + k.name() + " should come from a mounted Secret");
      }
      String secret = MountedSecrets.value(objects, gateway, file).trim();
      resolved.add(new ApiKeySpec(r.name(), r.scope(), r.tenant(), ApiKeySpec.hash(secret)));
    }
    return new GatewayKeys(resolved);
  }

  private static boolean allows(JobTypeSpec type, String tenant) {
    return type.tenants().contains(tenant) || type.tenants().contains("*");
  }
}

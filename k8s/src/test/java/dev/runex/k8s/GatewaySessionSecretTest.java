package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.SecretReference;
import dev.runex.gateway.access.SessionSecret;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every gateway replica signs and checks console logins with the same secret: the gateway's
 * configuration names {@code runex.gateway.sessionSecret} as a file of a mounted Secret, that
 * Secret has the key, and its value is one the gateway accepts. Without it each replica would make
 * its own random secret and the Service would log people out whenever it picked another replica.
 */
class GatewaySessionSecretTest {

  @Test
  void everyGatewayReplicaReadsTheSameSessionSecretFromTheMountedSecret() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");
      String where = dir.getFileName() + " " + gateway.describe();

      String secret = mountedSessionSecret(objects, gateway);

      assertThat(SessionSecret.of("runex.gateway.sessionSecret", secret)).as(where).isNotNull();
    }
  }

  @Test
  void aGatewayWithoutTheReferenceFailsTheCheck() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");
    JsonNode env = gateway.at("/spec/template/spec/containers/0/env");
    for (int i = env.size() - 1; i >= 0; i--) {
      if (env.get(i).path("name").asText().equals("RUNEX_GATEWAY_SESSION_SECRET")) {
        ((ArrayNode) env).remove(i);
      }
    }

    assertThatThrownBy(() -> mountedSessionSecret(objects, gateway))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("sets no runex.gateway.sessionSecret");
  }

  @Test
  void aSecretWithoutTheKeyFailsTheCheck() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    ((ObjectNode) PodConfig.find(objects, "Secret", "runex-api-keys").tree().get("stringData"))
        .remove("session-secret");
    Manifest gateway = PodConfig.find(objects, "Deployment", "runex-gateway");

    assertThatThrownBy(() -> mountedSessionSecret(objects, gateway))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("has no key session-secret");
  }

  /** The placeholder value the gateway would read through its configured reference. */
  static String mountedSessionSecret(List<Manifest> objects, Manifest gateway) {
    SecretReference ref =
        PodConfig.of(objects, gateway, "gateway")
            .load()
            .gatewaySessionSecret()
            .orElseThrow(
                () ->
                    new AssertionError(
                        gateway.describe() + " sets no runex.gateway.sessionSecret"));
    if (!(ref instanceof SecretReference.File file)) {
      throw new AssertionError(
          gateway.describe() + ": the session secret should come from a mounted Secret, is " + ref);
    }
    return MountedSecrets.value(objects, gateway, file);
  }
}

package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka client settings in runex-config fit the credentials the pods mount and, where an
 * overlay brings its own Strimzi Kafka, the listener it opens.
 */
class KafkaClientSettingsTest {
  private static final Pattern DIR_REF = Pattern.compile("\\$\\{dir:([^:}]+):([^}]+)}");

  @Test
  void credentialsResolveFromTheMountedKafkaUserSecret(@TempDir Path secret) throws IOException {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    RunexConfig cfg = WorkerPoolsTest.topologyConfig(objects);
    Map<String, Object> admin =
        new HashMap<>(cfg.kafka().admin(Map.of("bootstrap.servers", cfg.bootstrapServers())));
    Matcher ref = DIR_REF.matcher(String.valueOf(admin.get(SaslConfigs.SASL_JAAS_CONFIG)));
    assertThat(ref.matches()).as("sasl.jaas.config read from a mounted Secret").isTrue();
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";";
    Files.writeString(secret.resolve(ref.group(2)), jaas);
    admin.put(SaslConfigs.SASL_JAAS_CONFIG, "${dir:" + secret + ":" + ref.group(2) + "}");

    AdminClientConfig resolved = new AdminClientConfig(admin);

    assertThat(((Password) resolved.values().get(SaslConfigs.SASL_JAAS_CONFIG)).value())
        .isEqualTo(jaas);
    // every deployable mounts its KafkaUser's Secret where the reference points, and the CA
    for (Manifest w : Overlays.workloads(objects)) {
      assertThat(mountOf(w, ref.group(1))).as(w.describe()).isEqualTo("secret");
      String ca = String.valueOf(admin.get("ssl.truststore.location"));
      assertThat(mountOf(w, Path.of(ca).getParent().toString()))
          .as(w.describe())
          .isEqualTo("secret");
    }
  }

  @Test
  void anOverlaysOwnKafkaOpensTheListenerTheClientsUse() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      List<Manifest> clusters = Overlays.ofKind(objects, "Kafka");
      for (Manifest k : clusters) {
        RunexConfig cfg = WorkerPoolsTest.topologyConfig(objects);
        String host = cfg.bootstrapServers().substring(0, cfg.bootstrapServers().indexOf(':'));
        int port =
            Integer.parseInt(
                cfg.bootstrapServers().substring(cfg.bootstrapServers().indexOf(':') + 1));
        assertThat(host).isEqualTo(k.name() + "-kafka-bootstrap");
        JsonNode listener = null;
        for (JsonNode l : k.at("/spec/kafka/listeners")) {
          if (l.path("port").asInt() == port) {
            listener = l;
          }
        }
        assertThat(listener).as(dir + ": a listener on " + port).isNotNull();
        assertThat(listener.path("tls").asBoolean()).isTrue();
        assertThat(listener.at("/authentication/type").asText()).isEqualTo("scram-sha-512");
        assertThat(cfg.kafka().admin(Map.of()))
            .containsEntry("security.protocol", "SASL_SSL")
            .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(k.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        for (Manifest m : objects) {
          if (m.kind().startsWith("Kafka") && !m.kind().equals("Kafka")) {
            assertThat(m.at("/metadata/labels/strimzi.io~1cluster").asText())
                .as(m.describe())
                .isEqualTo(k.name());
          }
        }
      }
    }
  }

  /** The kind of volume ({@code secret}, {@code configMap}, ...) the pod mounts at {@code path}. */
  private static String mountOf(Manifest w, String path) {
    JsonNode pod = w.at("/spec/template/spec");
    for (JsonNode m : pod.at("/containers/0/volumeMounts")) {
      if (m.path("mountPath").asText().equals(path)) {
        for (JsonNode v : pod.path("volumes")) {
          if (v.path("name").asText().equals(m.path("name").asText())) {
            return v.has("secret") ? "secret" : v.has("configMap") ? "configMap" : "other";
          }
        }
      }
    }
    return "none";
  }
}

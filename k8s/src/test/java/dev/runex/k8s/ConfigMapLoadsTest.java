package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.ConfigException;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The configuration each runex container would run with — the ConfigMap's runex.yaml, runex-env and
 * the container's own environment and arguments — loads through the runtime's ConfigLoader, in the
 * base and every overlay, and says what running on Kubernetes needs.
 */
class ConfigMapLoadsTest {

  @Test
  void everyContainersConfigurationLoads() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest w : Overlays.workloads(objects)) {
        PodConfig pod = PodConfig.of(objects, w, Overlays.component(w));
        RunexConfig cfg = pod.load();

        String where = dir.getFileName() + " " + w.describe();
        // probes and Prometheus come from outside the pod
        assertThat(cfg.string(Settings.METRICS_HOST)).as(where).isEqualTo("0.0.0.0");
        assertThat(cfg.intValue(Settings.METRICS_PORT)).as(where).isPositive();
        // the KafkaTopic resources own the topics
        assertThat(cfg.bool(Settings.TOPIC_CREATE)).as(where).isFalse();
      }
    }
  }

  @Test
  void aConfigMapThatDoesNotLoadFailsTheCheck() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    Manifest cm = PodConfig.find(objects, "ConfigMap", "runex-config");
    String yaml = cm.at("/data/runex.yaml").asText();
    ((ObjectNode) cm.tree().get("data"))
        .put("runex.yaml", yaml.replace("drainTimeout: 30s", "drainTimout: 30s"));
    Manifest worker = PodConfig.find(objects, "Deployment", "runex-worker-default");

    assertThatThrownBy(() -> PodConfig.of(objects, worker, "worker").load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.worker.drainTimout");
  }

  @Test
  void aBadValueInRunexEnvFailsTheCheck() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    ((ObjectNode) PodConfig.find(objects, "ConfigMap", "runex-env").tree().get("data"))
        .put("RUNEX_TOPICS_PARTITIONS", "six");
    Manifest topology = PodConfig.find(objects, "StatefulSet", "runex-topology");

    assertThatThrownBy(() -> PodConfig.of(objects, topology, "topology").load())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.topics.partitions");
  }

  @Test
  void workersAndTopologyGetStableIdsFromTheirPodNames() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest topology = PodConfig.find(objects, "StatefulSet", "runex-topology");
      RunexConfig t = PodConfig.of(objects, topology, "topology").load();
      assertThat(t.kafka().streams(java.util.Map.of()).get("group.instance.id"))
          .isEqualTo(PodConfig.samplePodName(topology));
      for (Manifest w : Overlays.ofKind(objects, "Deployment")) {
        if (Overlays.component(w).equals("worker")) {
          RunexConfig cfg = PodConfig.of(objects, w, "worker").load();
          assertThat(cfg.string(Settings.WORKER_ID)).isEqualTo(PodConfig.samplePodName(w));
        }
      }
    }
  }
}

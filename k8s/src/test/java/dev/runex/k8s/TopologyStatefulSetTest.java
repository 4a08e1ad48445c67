package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The topology StatefulSet keeps its Streams state on its own volume, advertises a name its peers
 * can reach, asks for no more standby replicas than it has other instances, and has the memory its
 * heap and its stores' native budget need.
 */
class TopologyStatefulSetTest {
  private static final long NON_HEAP = 256L * 1024 * 1024;

  @Test
  void memoryCoversTheHeapAndTheStoresNativeBudget() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest sts = PodConfig.find(objects, "StatefulSet", "runex-topology");
      PodConfig pod = PodConfig.of(objects, sts, "topology");
      long rocksdb = pod.load().bytes(Settings.TOPOLOGY_ROCKSDB_MEMORY);
      long heap = WorkerPoolsTest.heap(pod.env().get("JAVA_TOOL_OPTIONS"));
      long limit =
          WorkerPoolsTest.bytes(sts.at("/spec/template/spec/containers/0/resources/limits/memory"));
      assertThat(rocksdb).as(dir + ": a bounded store budget (0 is unbounded)").isPositive();
      assertThat(limit)
          .as(dir + ": topology memory limit")
          .isGreaterThanOrEqualTo(heap + rocksdb + NON_HEAP);
    }
  }

  @Test
  void stateDirectoryIsOnTheInstancesOwnVolume() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest sts = PodConfig.find(objects, "StatefulSet", "runex-topology");
      RunexConfig cfg = WorkerPoolsTest.topologyConfig(objects);
      List<String> claims = new ArrayList<>();
      sts.at("/spec/volumeClaimTemplates")
          .forEach(c -> claims.add(c.at("/metadata/name").asText()));
      String stateDir = cfg.string(Settings.TOPOLOGY_STATE_DIR);

      JsonNode mount = null;
      for (JsonNode m : sts.at("/spec/template/spec/containers/0/volumeMounts")) {
        if (m.path("mountPath").asText().equals(stateDir)) {
          mount = m;
        }
      }
      assertThat(mount).as(dir + ": a volume mounted at " + stateDir).isNotNull();
      assertThat(claims).as(dir.toString()).contains(mount.path("name").asText());
    }
  }

  @Test
  void standbyReplicasFitTheOtherInstances() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest sts = PodConfig.find(objects, "StatefulSet", "runex-topology");
      int replicas = sts.at("/spec/replicas").asInt();
      int standbys =
          WorkerPoolsTest.topologyConfig(objects).intValue(Settings.TOPOLOGY_STANDBY_REPLICAS);
      assertThat(standbys)
          .as(dir + ": standbys live on other instances")
          .isLessThanOrEqualTo(replicas - 1);
    }
  }

  @Test
  void peersReachEachOtherThroughTheHeadlessService() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Manifest sts = PodConfig.find(objects, "StatefulSet", "runex-topology");
      Manifest headless = PodConfig.find(objects, "Service", sts.at("/spec/serviceName").asText());
      RunexConfig cfg = WorkerPoolsTest.topologyConfig(objects);

      assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
      assertThat(
              WorkerPoolsTest.selects(
                  headless.at("/spec/selector"), sts.at("/spec/template/metadata/labels")))
          .isTrue();
      assertThat(cfg.string(Settings.TOPOLOGY_STATUS_ADVERTISED_HOST))
          .isEqualTo(
              PodConfig.samplePodName(sts)
                  + "."
                  + headless.name()
                  + "."
                  + sts.at("/metadata/namespace").asText("default")
                  + ".svc");
      assertThat(cfg.string(Settings.TOPOLOGY_STATUS_HOST)).isEqualTo("0.0.0.0");
      assertThat(
              ProbesTest.port(
                  sts.at("/spec/template/spec/containers/0"),
                  new com.fasterxml.jackson.databind.node.TextNode("status")))
          .isEqualTo(cfg.intValue(Settings.TOPOLOGY_STATUS_PORT));
    }
  }
}

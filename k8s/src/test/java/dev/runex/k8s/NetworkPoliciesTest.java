package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every runex pod is covered by an ingress policy, and every port a policy opens is one its pods
 * serve (a renamed port would otherwise silently close it).
 */
class NetworkPoliciesTest {

  @Test
  void everyWorkloadIsCoveredAndEveryOpenedPortExists() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      List<Manifest> policies = Overlays.ofKind(objects, "NetworkPolicy");
      for (Manifest w : Overlays.workloads(objects)) {
        JsonNode labels = w.at("/spec/template/metadata/labels");
        List<Manifest> covering =
            policies.stream()
                .filter(p -> WorkerPoolsTest.selects(p.at("/spec/podSelector/matchLabels"), labels))
                .toList();
        assertThat(covering).as(dir + " " + w.describe()).isNotEmpty();
        JsonNode container = w.at("/spec/template/spec/containers/0");
        for (Manifest p : covering) {
          List<String> missing = new ArrayList<>();
          for (JsonNode rule : p.at("/spec/ingress")) {
            for (JsonNode port : rule.path("ports")) {
              if (ProbesTest.port(container, port.path("port")) < 0) {
                missing.add(port.path("port").asText());
              }
            }
          }
          assertThat(missing).as(p.describe() + " ports of " + w.describe()).isEmpty();
        }
      }
    }
  }
}

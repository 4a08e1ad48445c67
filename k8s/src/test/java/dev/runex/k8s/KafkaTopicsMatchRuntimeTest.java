package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.launcher.local.TopicProvisioner;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The Strimzi KafkaTopic resources are exactly the topics the runtime would create itself ({@link
 * TopicProvisioner#wanted}, from {@code RunexTopics.newTopics}) for the configuration the topology
 * runs with: same names, partitions, replication and configs. Only min.insync.replicas, which the
 * runtime leaves to the broker, may be added.
 */
class KafkaTopicsMatchRuntimeTest {
  static final Set<String> ALLOWED_EXTRA_CONFIG = Set.of("min.insync.replicas");

  @Test
  void topicResourcesMatchWhatTheRuntimeCreates() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      assertThat(differences(objects)).as(dir.toString()).isEmpty();
    }
  }

  @Test
  void everyDeployableSeesTheSameTopicLayout() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      Set<Object> layouts = new java.util.HashSet<>();
      for (Manifest w : Overlays.workloads(objects)) {
        layouts.add(PodConfig.of(objects, w, Overlays.component(w)).load().topicLayout());
      }
      assertThat(layouts).as(dir.toString()).hasSize(1);
    }
  }

  @Test
  void aTopicThatDriftsIsReported() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("overlays/production"));
    ((ObjectNode) PodConfig.find(objects, "KafkaTopic", "runex.events").tree().get("spec"))
        .put("partitions", 6);
    ((ObjectNode) PodConfig.find(objects, "KafkaTopic", "runex.control").at("/spec/config"))
        .put("cleanup.policy", "delete");
    objects = new ArrayList<>(objects);
    objects.removeIf(
        m -> m.kind().equals("KafkaTopic") && m.name().equals("runex.scheduled.default.low"));

    assertThat(differences(objects))
        .containsExactlyInAnyOrder(
            "runex.events: partitions 6, runtime 12",
            "runex.control: config {cleanup.policy=delete, min.insync.replicas=2}, runtime {cleanup.policy=compact}",
            "runex.scheduled.default.low: no KafkaTopic");
  }

  /** What differs between the KafkaTopics and the runtime's topics, one line each. */
  static List<String> differences(List<Manifest> objects) {
    RunexConfig cfg =
        PodConfig.of(objects, PodConfig.find(objects, "StatefulSet", "runex-topology"), "topology")
            .load();
    Map<String, NewTopic> wanted = new TreeMap<>();
    TopicProvisioner.wanted(cfg.topics(), cfg.pools()).forEach(t -> wanted.put(t.name(), t));
    Map<String, KafkaTopic> declared = new TreeMap<>();
    for (Manifest m : Overlays.ofKind(objects, "KafkaTopic")) {
      KafkaTopic t = (KafkaTopic) m.model();
      String name = t.getSpec().getTopicName() == null ? m.name() : t.getSpec().getTopicName();
      declared.put(name, t);
    }
    List<String> out = new ArrayList<>();
    for (String name : new TreeSet<>(wanted.keySet())) {
      NewTopic w = wanted.get(name);
      KafkaTopic d = declared.remove(name);
      if (d == null) {
        out.add(name + ": no KafkaTopic");
        continue;
      }
      if (d.getSpec().getPartitions() != w.numPartitions()) {
        out.add(
            name
                + ": partitions "
                + d.getSpec().getPartitions()
                + ", runtime "
                + w.numPartitions());
      }
      if (d.getSpec().getReplicas() != w.replicationFactor()) {
        out.add(
            name
                + ": replicas "
                + d.getSpec().getReplicas()
                + ", runtime "
                + w.replicationFactor());
      }
      Map<String, String> config = new TreeMap<>();
      if (d.getSpec().getConfig() != null) {
        d.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
      }
      Map<String, String> compared = new TreeMap<>(config);
      compared.keySet().removeAll(ALLOWED_EXTRA_CONFIG);
      if (!compared.equals(new TreeMap<>(w.configs()))) {
        out.add(name + ": config " + config + ", runtime " + new TreeMap<>(w.configs()));
      }
    }
    declared.keySet().forEach(name -> out.add(name + ": a KafkaTopic the runtime does not use"));
    return out;
  }
}

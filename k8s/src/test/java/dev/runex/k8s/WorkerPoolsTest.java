package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.k8s.keda.ScaledObject;
import dev.runex.schemas.JobPriority;
import dev.runex.workers.JobWorker;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One worker Deployment per pool of the configuration, each sized from the worker's own settings
 * and scaled by a KEDA ScaledObject on that pool's lag and backlog age, within its partitions.
 */
class WorkerPoolsTest {
  private static final long NON_HEAP = 256L * 1024 * 1024;
  private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kmgKMG])");

  @Test
  void oneWorkerDeploymentAndScaledObjectPerPool() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      RunexConfig topology = topologyConfig(objects);
      Set<String> deployments = new TreeSet<>();
      for (Manifest d : workers(objects)) {
        deployments.add(PodConfig.of(objects, d, "worker").load().string(Settings.WORKER_POOL));
      }
      Set<String> scaled =
          Overlays.ofKind(objects, "ScaledObject").stream()
              .map(m -> m.at("/metadata/labels/runex.dev~1pool").asText())
              .collect(Collectors.toCollection(TreeSet::new));
      assertThat(deployments).as(dir.toString()).isEqualTo(topology.pools());
      assertThat(scaled).as(dir.toString()).isEqualTo(topology.pools());
    }
  }

  @Test
  void gracePeriodCoversTheDrainAndTheCloseAfterIt() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest d : workers(objects)) {
        RunexConfig cfg = PodConfig.of(objects, d, "worker").load();
        long grace = d.at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(grace)
            .as(d.describe())
            .isGreaterThan(
                cfg.duration(Settings.WORKER_DRAIN_TIMEOUT)
                    .plus(JobWorker.CLOSE_MARGIN)
                    .toSeconds());
      }
    }
  }

  @Test
  void memoryCoversTheJobBudgetPlusTheJvm() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest d : workers(objects)) {
        PodConfig pod = PodConfig.of(objects, d, "worker");
        long budget = pod.load().bytes(Settings.WORKER_MEMORY_BUDGET);
        long heap = heap(pod.env().get("JAVA_TOOL_OPTIONS"));
        JsonNode resources = d.at("/spec/template/spec/containers/0/resources");
        long limit = bytes(resources.at("/limits/memory"));
        assertThat(budget).as(d.describe() + " memory budget").isPositive();
        assertThat(limit)
            .as(d.describe() + " memory limit")
            .isGreaterThanOrEqualTo(budget + heap + NON_HEAP);
        assertThat(bytes(resources.at("/requests/memory"))).as(d.describe()).isEqualTo(limit);
      }
    }
  }

  @Test
  void scaledObjectsScaleOnThePoolsLagAndBacklogAgeWithinItsPartitions() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest m : Overlays.ofKind(objects, "ScaledObject")) {
        ScaledObject.Spec spec = ((ScaledObject) m.model()).getSpec();
        Manifest target = PodConfig.find(objects, "Deployment", spec.scaleTargetRef().name());
        RunexConfig cfg = PodConfig.of(objects, target, "worker").load();
        String pool = cfg.string(Settings.WORKER_POOL);
        String where = dir.getFileName() + " " + m.describe();

        assertThat(m.at("/metadata/labels/runex.dev~1pool").asText()).as(where).isEqualTo(pool);
        assertThat(spec.maxReplicaCount())
            .as(where + ": a replica beyond the partition count gets no partition")
            .isLessThanOrEqualTo(cfg.intValue(Settings.TOPIC_PARTITIONS));
        assertThat(spec.minReplicaCount()).as(where).isBetween(1, spec.maxReplicaCount());

        List<ScaledObject.Trigger> kafka =
            spec.triggers().stream().filter(t -> t.type().equals("kafka")).toList();
        assertThat(kafka)
            .as(where)
            .allSatisfy(
                t -> {
                  assertThat(t.metadata().get("consumerGroup")).isEqualTo(cfg.workerGroupId(pool));
                  assertThat(t.metadata().get("bootstrapServers"))
                      .isEqualTo(cfg.bootstrapServers());
                  assertThat(t.authenticationRef()).isNotNull();
                });
        assertThat(kafka.stream().map(t -> t.metadata().get("topic")).collect(Collectors.toSet()))
            .as(where + ": every priority topic of the pool")
            .isEqualTo(
                Arrays.stream(JobPriority.values())
                    .map(p -> cfg.topics().scheduled(pool, p).name())
                    .collect(Collectors.toSet()));

        List<ScaledObject.Trigger> age =
            spec.triggers().stream().filter(t -> t.type().equals("prometheus")).toList();
        assertThat(age)
            .as(where)
            .singleElement()
            .satisfies(
                t -> {
                  assertThat(t.metadata().get("query"))
                      .contains("runex_backlog_oldest_age_seconds{pool=\"" + pool + "\"}");
                  assertThat(t.metricType()).isEqualTo(ScaledObject.MetricType.Value);
                });

        HorizontalPodAutoscalerBehavior behavior =
            spec.advanced().horizontalPodAutoscalerConfig().behavior();
        assertThat(behavior.getScaleDown().getStabilizationWindowSeconds())
            .as(where + ": scale-down waits out bursts")
            .isGreaterThanOrEqualTo(120);
        assertThat(behavior.getScaleDown().getPolicies()).as(where).isNotEmpty();
        assertThat(spec.cooldownPeriod()).as(where).isNotNull();
      }
    }
  }

  @Test
  void everyDeployableHasADisruptionBudgetSelectingItsPods() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      for (Manifest w : Overlays.workloads(objects)) {
        JsonNode labels = w.at("/spec/template/metadata/labels");
        long budgets =
            Overlays.ofKind(objects, "PodDisruptionBudget").stream()
                .filter(p -> selects(p.at("/spec/selector/matchLabels"), labels))
                .count();
        assertThat(budgets).as(w.describe()).isEqualTo(1);
        assertThat(selects(w.at("/spec/selector/matchLabels"), labels)).as(w.describe()).isTrue();
      }
    }
  }

  static boolean selects(JsonNode matchLabels, JsonNode labels) {
    Map<String, String> wanted = new java.util.HashMap<>();
    matchLabels.fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
    return !wanted.isEmpty()
        && wanted.entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.path(e.getKey()).asText()));
  }

  static List<Manifest> workers(List<Manifest> objects) {
    return Overlays.ofKind(objects, "Deployment").stream()
        .filter(d -> Overlays.component(d).equals("worker"))
        .toList();
  }

  static RunexConfig topologyConfig(List<Manifest> objects) {
    return PodConfig.of(
            objects, PodConfig.find(objects, "StatefulSet", "runex-topology"), "topology")
        .load();
  }

  static long heap(String javaOptions) {
    Matcher m = XMX.matcher(javaOptions == null ? "" : javaOptions);
    if (!m.find()) {
      throw new AssertionError("no -Xmx in JAVA_TOOL_OPTIONS: " + javaOptions);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      default -> n << 30;
    };
  }

  static long bytes(JsonNode quantity) {
    return Quantity.getAmountInBytes(new Quantity(quantity.asText())).longValueExact();
  }
}

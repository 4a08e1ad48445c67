package dev.runex.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields each kind needs that its model does not enforce (the API server, the Strimzi and KEDA
 * operators would reject or ignore the object): a missing one fails with its path.
 */
final class RequiredFields {
  private RequiredFields() {}

  private static final Map<String, List<String>> BY_KIND =
      Map.ofEntries(
          Map.entry("ConfigMap", List.of()),
          Map.entry("Secret", List.of()),
          Map.entry("ServiceAccount", List.of()),
          Map.entry("Namespace", List.of()),
          Map.entry("Service", List.of("/spec/ports/0/port", "/spec/selector")),
          Map.entry(
              "Deployment",
              List.of(
                  "/spec/selector/matchLabels",
                  "/spec/template/metadata/labels",
                  "/spec/template/spec/containers/0")),
          Map.entry(
              "StatefulSet",
              List.of(
                  "/spec/serviceName",
                  "/spec/selector/matchLabels",
                  "/spec/template/metadata/labels",
                  "/spec/template/spec/containers/0")),
          Map.entry("PodDisruptionBudget", List.of("/spec/selector/matchLabels")),
          Map.entry("NetworkPolicy", List.of("/spec/podSelector", "/spec/policyTypes/0")),
          Map.entry(
              "Kafka", List.of("/spec/kafka/listeners/0/port", "/spec/kafka/authorization/type")),
          Map.entry(
              "KafkaNodePool",
              List.of(
                  "/metadata/labels/strimzi.io~1cluster",
                  "/spec/replicas",
                  "/spec/roles/0",
                  "/spec/storage/type")),
          Map.entry(
              "KafkaTopic",
              List.of(
                  "/metadata/labels/strimzi.io~1cluster", "/spec/partitions", "/spec/replicas")),
          Map.entry(
              "KafkaUser",
              List.of(
                  "/metadata/labels/strimzi.io~1cluster",
                  "/spec/authentication/type",
                  "/spec/authorization/type",
                  "/spec/authorization/acls/0")),
          Map.entry(
              "ScaledObject",
              List.of("/spec/scaleTargetRef/name", "/spec/maxReplicaCount", "/spec/triggers/0")),
          Map.entry("TriggerAuthentication", List.of("/spec/secretTargetRef/0")));

  /** KEDA ignores metadata it does not know: a misspelt key would silently do nothing. */
  static final Map<String, Set<String>> TRIGGER_METADATA =
      Map.of(
          "kafka",
          Set.of(
              "bootstrapServers",
              "consumerGroup",
              "topic",
              "lagThreshold",
              "activationLagThreshold",
              "offsetResetPolicy",
              "allowIdleConsumers",
              "scaleToZeroOnInvalidOffset",
              "excludePersistentLag",
              "limitToPartitionsWithLag",
              "partitionLimitation",
              "sasl",
              "tls",
              "version"),
          "prometheus",
          Set.of(
              "serverAddress",
              "query",
              "threshold",
              "activationThreshold",
              "namespace",
              "customHeaders",
              "ignoreNullValues",
              "queryParameters",
              "unsafeSsl"));

  static final Map<String, List<String>> TRIGGER_REQUIRED =
      Map.of(
          "kafka", List.of("bootstrapServers", "consumerGroup", "lagThreshold"),
          "prometheus", List.of("serverAddress", "query", "threshold"));

  static void check(Manifest m) {
    List<String> missing = new ArrayList<>();
    if (m.name().isBlank()) {
      missing.add("/metadata/name");
    }
    for (String pointer : BY_KIND.getOrDefault(m.kind(), List.of())) {
      if (absent(m.at(pointer))) {
        missing.add(pointer);
      }
    }
    for (JsonNode c : containers(m)) {
      for (String field : List.of("name", "image")) {
        if (absent(c.path(field))) {
          missing.add("container " + c.path("name").asText("?") + ": " + field);
        }
      }
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        JsonNode p = c.path(probe);
        if (!p.isMissingNode()
            && (absent(p.at("/httpGet/path")) || absent(p.at("/httpGet/port")))) {
          missing.add(
              "container " + c.path("name").asText() + ": " + probe + ".httpGet path and port");
        }
      }
    }
    if (m.kind().equals("PodDisruptionBudget")
        && m.at("/spec/minAvailable").isMissingNode()
            == m.at("/spec/maxUnavailable").isMissingNode()) {
      missing.add("exactly one of /spec/minAvailable and /spec/maxUnavailable");
    }
    if (m.kind().equals("ScaledObject")) {
      missing.addAll(triggerProblems(m));
    }
    if (!missing.isEmpty()) {
      throw new ManifestException(m.describe() + ": missing or wrong " + missing);
    }
  }

  static List<JsonNode> containers(Manifest m) {
    List<JsonNode> out = new ArrayList<>();
    m.at("/spec/template/spec/containers").forEach(out::add);
    return out;
  }

  private static List<String> triggerProblems(Manifest m) {
    List<String> problems = new ArrayList<>();
    for (JsonNode t : m.at("/spec/triggers")) {
      String type = t.path("type").asText();
      Set<String> known = TRIGGER_METADATA.get(type);
      if (known == null) {
        problems.add("trigger type '" + type + "' (known: " + TRIGGER_METADATA.keySet() + ")");
        continue;
      }
      t.path("metadata")
          .fieldNames()
          .forEachRemaining(
              k -> {
                if (!known.contains(k)) {
                  problems.add(
                      "trigger " + t.path("name").asText() + ": unknown metadata '" + k + "'");
                }
              });
      for (String k : TRIGGER_REQUIRED.get(type)) {
        if (absent(t.path("metadata").path(k))) {
          problems.add("trigger " + t.path("name").asText() + ": metadata." + k);
        }
      }
    }
    return problems;
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isMissingNode() || n.isNull() || (n.isTextual() && n.asText().isBlank());
  }
}

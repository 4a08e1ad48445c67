package dev.runex.k8s;

import dev.runex.k8s.keda.ScaledObject;
import dev.runex.k8s.keda.TriggerAuthentication;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kinds the manifests may use, each with its model class: anything else is an error (a typo in
 * apiVersion or kind would otherwise never be checked).
 */
final class ManifestKinds {
  private ManifestKinds() {}

  static final Map<String, Class<?>> MODELS =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("v1/Namespace", Namespace.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
          Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
          Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
          Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class),
          Map.entry("keda.sh/v1alpha1/ScaledObject", ScaledObject.class),
          Map.entry("keda.sh/v1alpha1/TriggerAuthentication", TriggerAuthentication.class));

  /** Kinds without a namespace: kustomize's namespace does not apply to them. */
  static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

  static Class<?> modelOf(String apiVersion, String kind) {
    Class<?> type = MODELS.get(apiVersion + "/" + kind);
    if (type == null) {
      throw new ManifestException(
          "unknown apiVersion/kind "
              + apiVersion
              + "/"
              + kind
              + " (known: "
              + List.copyOf(MODELS.keySet())
              + ")");
    }
    return type;
  }

  /** Reads a whole object strictly and checks its required fields. */
  static Object read(Manifest m) {
    Object model = readPartial(m.source(), m.tree());
    RequiredFields.check(m);
    return model;
  }

  /**
   * Reads a possibly partial object (a strategic-merge patch) strictly: unknown fields, wrong types
   * and unknown enum values fail; required fields are not checked.
   */
  static Object readPartial(String source, com.fasterxml.jackson.databind.JsonNode tree) {
    String where =
        tree.path("kind").asText()
            + "/"
            + tree.path("metadata").path("name").asText()
            + " ("
            + source
            + ")";
    try {
      Class<?> type = modelOf(tree.path("apiVersion").asText(), tree.path("kind").asText());
      Object model = StrictYaml.convert(tree, type);
      List<String> lost = StrictYaml.lostFields(tree, model);
      if (!lost.isEmpty()) {
        throw new ManifestException(
            "values the model does not accept (a misspelt enum value?) at " + lost);
      }
      return model;
    } catch (ManifestException e) {
      throw new ManifestException(where + ": " + e.getMessage());
    }
  }
}

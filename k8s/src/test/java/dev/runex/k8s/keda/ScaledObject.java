package dev.runex.k8s.keda;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Map;

/**
 * KEDA's ScaledObject ({@code keda.sh/v1alpha1}), the fields runex uses and those next to them.
 * KEDA publishes no Java model; this one is read with the same strict reader as the others.
 */
@Group("keda.sh")
@Version("v1alpha1")
public final class ScaledObject extends CustomResource<ScaledObject.Spec, Void>
    implements Namespaced {

  public record Spec(
      ScaleTargetRef scaleTargetRef,
      Integer pollingInterval,
      Integer cooldownPeriod,
      Integer initialCooldownPeriod,
      Integer idleReplicaCount,
      Integer minReplicaCount,
      Integer maxReplicaCount,
      Advanced advanced,
      Fallback fallback,
      List<Trigger> triggers) {}

  public record ScaleTargetRef(
      String apiVersion, String kind, String name, String envSourceContainerName) {}

  public record Advanced(
      Boolean restoreToOriginalReplicaCount,
      HorizontalPodAutoscalerConfig horizontalPodAutoscalerConfig) {}

  public record HorizontalPodAutoscalerConfig(
      String name, HorizontalPodAutoscalerBehavior behavior) {}

  public record Fallback(Integer failureThreshold, Integer replicas) {}

  /** One scaler; KEDA's metadata values are all strings. */
  public record Trigger(
      String type,
      String name,
      Map<String, String> metadata,
      AuthenticationRef authenticationRef,
      MetricType metricType,
      Boolean useCachedMetrics) {}

  public record AuthenticationRef(String name, String kind) {}

  public enum MetricType {
    AverageValue,
    Value,
    Utilization
  }
}

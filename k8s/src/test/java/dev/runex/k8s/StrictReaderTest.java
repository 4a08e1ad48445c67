package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The strict reader rejects what the models alone would let through. */
class StrictReaderTest {

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: d
      spec:
        replicas: 2
        selector:
          matchLabels: {app: d}
        template:
          metadata:
            labels: {app: d}
          spec:
            containers:
              - name: c
                image: runex:1
      """;

  private static final String TOPIC =
      """
      apiVersion: kafka.strimzi.io/v1beta2
      kind: KafkaTopic
      metadata:
        name: runex.intake
        labels: {strimzi.io/cluster: runex-kafka}
      spec:
        partitions: 6
        replicas: 3
        config: {retention.ms: 604800000}
      """;

  private static final String USER =
      """
      apiVersion: kafka.strimzi.io/v1beta2
      kind: KafkaUser
      metadata:
        name: u
        labels: {strimzi.io/cluster: runex-kafka}
      spec:
        authentication: {type: scram-sha-512}
        authorization:
          type: simple
          acls:
            - resource: {type: topic, name: runex.intake, patternType: literal}
              operations: [Read]
      """;

  private static final String SCALED_OBJECT =
      """
      apiVersion: keda.sh/v1alpha1
      kind: ScaledObject
      metadata:
        name: s
      spec:
        scaleTargetRef: {name: d}
        maxReplicaCount: 6
        triggers:
          - type: kafka
            metadata:
              bootstrapServers: kafka:9093
              consumerGroup: g
              lagThreshold: "64"
      """;

  @Test
  void theValidDocumentsPass() {
    for (String doc : new String[] {DEPLOYMENT, TOPIC, USER, SCALED_OBJECT}) {
      assertThatCode(() -> read(doc)).doesNotThrowAnyException();
    }
  }

  @Test
  void rejectsAnUnknownField() {
    assertThatThrownBy(() -> read(DEPLOYMENT.replace("replicas: 2", "replicas: 2\n  replica: 3")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("replica");
    assertThatThrownBy(() -> read(TOPIC.replace("replicas: 3", "replicas: 3\n  partition: 6")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("partition");
  }

  @Test
  void rejectsAWrongType() {
    assertThatThrownBy(() -> read(DEPLOYMENT.replace("replicas: 2", "replicas: \"2\"")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("Deployment/d");
    // KEDA's metadata values are strings: a bare number is an error
    assertThatThrownBy(
            () -> read(SCALED_OBJECT.replace("lagThreshold: \"64\"", "lagThreshold: 64")))
        .isInstanceOf(ManifestException.class);
  }

  @Test
  void rejectsAMissingRequiredField() {
    assertThatThrownBy(() -> read(DEPLOYMENT.replace("    image: runex:1\n", "")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("image");
    assertThatThrownBy(() -> read(TOPIC.replace("  partitions: 6\n", "")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("/spec/partitions");
  }

  @Test
  void rejectsAMisspeltStrimziEnum() {
    assertThatThrownBy(() -> read(USER.replace("[Read]", "[Reed]")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("KafkaUser/u");
    assertThatThrownBy(() -> read(USER.replace("patternType: literal", "patternType: literall")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("patternType");
  }

  @Test
  void rejectsAMisspeltKedaMetricTypeAndMetadataKey() {
    assertThatThrownBy(
            () ->
                read(
                    SCALED_OBJECT.replace(
                        "  - type: kafka", "  - type: kafka\n    metricType: Values")))
        .isInstanceOf(ManifestException.class);
    assertThatThrownBy(() -> read(SCALED_OBJECT.replace("lagThreshold:", "lagTreshold:")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("lagTreshold");
  }

  @Test
  void rejectsAnUnknownKind() {
    assertThatThrownBy(() -> read(DEPLOYMENT.replace("kind: Deployment", "kind: Deploymnet")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("apps/v1/Deploymnet");
  }

  private static Object read(String yaml) {
    ObjectNode tree = (ObjectNode) StrictYaml.documents(yaml).get(0);
    return new Manifest("test", tree).model();
  }
}

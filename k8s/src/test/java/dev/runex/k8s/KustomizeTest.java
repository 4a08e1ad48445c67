package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kustomize subset renders as kustomize does, and refuses what it does not implement. */
class KustomizeTest {
  @TempDir Path dir;

  @Test
  void strategicMergeMergesNamedListsByNameAndReplacesOthers() {
    ObjectNode target =
        tree(
            """
        spec:
          replicas: 1
          template:
            spec:
              containers:
                - name: a
                  image: x:1
                  env: [{name: KEEP, value: "1"}, {name: CHANGE, value: old}]
                - name: b
                  image: y:1
              volumes: [{name: v, emptyDir: {}}]
          volumeClaimTemplates: [{metadata: {name: s}, spec: {storage: 1}}]
        """);
    StrategicMerge.merge(
        target,
        tree(
            """
        spec:
          replicas: 3
          template:
            spec:
              containers:
                - name: a
                  env: [{name: CHANGE, value: new}, {name: ADD, value: "2"}]
          volumeClaimTemplates: [{metadata: {name: s}, spec: {storage: 2}}]
        """));

    assertThat(target.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(target.at("/spec/template/spec/containers")).hasSize(2);
    assertThat(target.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("x:1");
    assertThat(target.at("/spec/template/spec/containers/0/env").toString())
        .isEqualTo(
            "[{\"name\":\"KEEP\",\"value\":\"1\"},{\"name\":\"CHANGE\",\"value\":\"new\"},{\"name\":\"ADD\",\"value\":\"2\"}]");
    assertThat(target.at("/spec/volumeClaimTemplates/0/spec/storage").asInt()).isEqualTo(2);
  }

  @Test
  void rendersResourcesPatchesImagesAndNamespace() throws IOException {
    Files.createDirectories(dir.resolve("base"));
    Files.writeString(
        dir.resolve("base/kustomization.yaml"), "resources: [objects.yaml]\nkind: Kustomization\n");
    Files.writeString(
        dir.resolve("base/objects.yaml"),
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          replicas: 1
          selector: {matchLabels: {app: d}}
          template:
            metadata: {labels: {app: d}}
            spec:
              containers: [{name: c, image: "runex:0.1"}]
        ---
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaTopic
        metadata: {name: t1, labels: {strimzi.io/cluster: k}}
        spec: {partitions: 6, replicas: 3}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: ns}
        """);
    Files.createDirectories(dir.resolve("overlay"));
    Files.writeString(
        dir.resolve("overlay/kustomization.yaml"),
        """
        kind: Kustomization
        namespace: ns
        resources: [../base]
        images: [{name: runex, newName: reg/runex, newTag: "2"}]
        patches:
          - path: replicas.yaml
          - target: {kind: KafkaTopic}
            patch: |-
              - op: replace
                path: /spec/partitions
                value: 12
        """);
    Files.writeString(
        dir.resolve("overlay/replicas.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 4}\n");

    List<Manifest> out = Kustomize.build(dir.resolve("overlay"));

    Manifest d = PodConfig.find(out, "Deployment", "d");
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(4);
    assertThat(d.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("reg/runex:2");
    assertThat(d.at("/metadata/namespace").asText()).isEqualTo("ns");
    assertThat(PodConfig.find(out, "KafkaTopic", "t1").at("/spec/partitions").asInt())
        .isEqualTo(12);
    assertThat(PodConfig.find(out, "Namespace", "ns").at("/metadata/namespace").isMissingNode())
        .isTrue();
  }

  @Test
  void refusesWhatItDoesNotImplement() throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"), "kind: Kustomization\ncommonLabels: {a: b}\n");

    assertThatThrownBy(() -> Kustomize.build(dir))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("commonLabels");
  }

  @Test
  void refusesAPatchThatMatchesNothing() throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"), "kind: Kustomization\npatches: [{path: p.yaml}]\n");
    Files.writeString(
        dir.resolve("p.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: gone}\nspec: {replicas: 2}\n");

    assertThatThrownBy(() -> Kustomize.build(dir))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("matches 0 objects");
  }

  @Test
  void refusesAPatchWithAnUnknownField() throws IOException {
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "kind: Kustomization\nresources: [d.yaml]\npatches: [{path: p.yaml}]\n");
    Files.writeString(
        dir.resolve("d.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n");
    Files.writeString(
        dir.resolve("p.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replica: 2}\n");

    assertThatThrownBy(() -> Kustomize.build(dir))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("replica");
  }

  private static ObjectNode tree(String yaml) {
    return (ObjectNode) StrictYaml.documents(yaml).get(0);
  }
}

package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under k8s/ is read strictly: each document of a resource file into its real model
 * with its required fields, each patch file into its model (no required fields: it is partial),
 * each kustomization.yaml into the subset the renderer implements. A file nothing refers to fails
 * too, so nothing sits there unchecked.
 */
class ManifestFilesTest {

  @Test
  void everyDocumentOfEveryFileReadsIntoItsModel() throws IOException {
    Set<Path> resources = new HashSet<>();
    Set<Path> patches = new HashSet<>();
    for (Path dir : Overlays.all()) {
      Kustomization k = Kustomize.kustomization(dir);
      k.resources().stream()
          .map(r -> dir.resolve(r).normalize())
          .filter(Files::isRegularFile)
          .forEach(resources::add);
      k.patches().stream()
          .filter(p -> p.path() != null)
          .map(p -> dir.resolve(p.path()).normalize())
          .forEach(patches::add);
    }
    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Overlays.root())) {
      for (Path f :
          files
              .filter(
                  p ->
                      p.toString().endsWith(".yaml")
                          && !p.toString().contains("/target/")
                          && !p.toString().contains("/src/"))
              .toList()) {
        if (f.getFileName().toString().equals(Kustomize.FILE)) {
          Kustomize.kustomization(f.getParent());
        } else if (resources.contains(f)) {
          for (JsonNode doc : StrictYaml.documents(Files.readString(f))) {
            new Manifest(f.toString(), (com.fasterxml.jackson.databind.node.ObjectNode) doc)
                .model();
          }
        } else if (patches.contains(f)) {
          for (JsonNode doc : StrictYaml.documents(Files.readString(f))) {
            ManifestKinds.readPartial(f.toString(), doc);
          }
        } else {
          throw new AssertionError(f + " is neither a resource nor a patch of any kustomization");
        }
        checked.add(Overlays.root().relativize(f).toString());
      }
    }
    assertThat(checked)
        .contains(
            "base/kustomization.yaml",
            "base/topology.yaml",
            "base/kafka-topics.yaml",
            "base/keda-worker-default.yaml",
            "overlays/laptop/kustomization.yaml",
            "overlays/production/topology.yaml");
  }

  @Test
  void everyRenderedObjectReadsIntoItsModel() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      objects.forEach(Manifest::model);
      assertThat(Overlays.ofKind(objects, "KafkaTopic")).as(dir.toString()).hasSize(14);
      assertThat(Overlays.ofKind(objects, "KafkaUser")).as(dir.toString()).hasSize(4);
      assertThat(Overlays.ofKind(objects, "ScaledObject")).as(dir.toString()).hasSize(1);
      assertThat(Overlays.workloads(objects)).as(dir.toString()).hasSize(3);
    }
  }
}

package dev.runex.k8s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the manifests are, and the rendered base and overlays the tests check. */
final class Overlays {
  private Overlays() {}

  /** The k8s module's folder (the tests run in it). */
  static Path root() {
    Path here = Path.of("").toAbsolutePath();
    Path k8s = Files.isDirectory(here.resolve("base")) ? here : here.resolve("k8s");
    if (!Files.isDirectory(k8s.resolve("base"))) {
      throw new AssertionError("k8s/base not found from " + here);
    }
    return k8s;
  }

  /** {@code base} and every folder under {@code overlays}: each is rendered and checked. */
  static List<Path> all() {
    try (Stream<Path> overlays = Files.list(root().resolve("overlays"))) {
      return Stream.concat(
              Stream.of(root().resolve("base")),
              overlays.filter(p -> Files.exists(p.resolve(Kustomize.FILE))).sorted())
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Manifest> render(Path dir) {
    return Kustomize.build(dir);
  }

  static List<Manifest> ofKind(List<Manifest> objects, String kind) {
    return objects.stream().filter(m -> m.kind().equals(kind)).toList();
  }

  /** Deployments and StatefulSets whose pods run runex containers (all of them here). */
  static List<Manifest> workloads(List<Manifest> objects) {
    return objects.stream()
        .filter(m -> m.kind().equals("Deployment") || m.kind().equals("StatefulSet"))
        .toList();
  }

  static String component(Manifest workload) {
    return workload.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText();
  }
}

package dev.runex.k8s;

import java.util.List;

/**
 * The part of kustomize's {@code kustomization.yaml} that runex's manifests use, read strictly: a
 * field outside it fails (rather than being ignored by a renderer that does not implement it).
 */
record Kustomization(
    String apiVersion,
    String kind,
    String namespace,
    List<String> resources,
    List<Image> images,
    List<Patch> patches) {

  /** {@code images:} entry: containers whose image is {@code name} get the new name and tag. */
  record Image(String name, String newName, String newTag) {}

  /**
   * {@code patches:} entry: a strategic-merge patch file ({@code path}, its object names its
   * target), or an inline JSON 6902 patch ({@code patch}) applied to every object {@code target}
   * selects.
   */
  record Patch(String path, String patch, Target target) {}

  record Target(String group, String version, String kind, String name) {}

  Kustomization {
    resources = resources == null ? List.of() : resources;
    images = images == null ? List.of() : images;
    patches = patches == null ? List.of() : patches;
  }
}

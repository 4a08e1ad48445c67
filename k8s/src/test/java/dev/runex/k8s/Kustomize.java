package dev.runex.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the subset runex uses (there is
 * no kustomize binary here): {@code resources} (files and other kustomizations), {@code patches}
 * (strategic-merge files and inline JSON 6902 with a target), {@code images} and {@code namespace}.
 * Anything else in a kustomization.yaml fails when it is read.
 */
final class Kustomize {
  static final String FILE = "kustomization.yaml";

  private Kustomize() {}

  static Kustomization kustomization(Path dir) {
    JsonNode tree = only(read(dir.resolve(FILE)), dir.resolve(FILE));
    Kustomization k = StrictYaml.convert(tree, Kustomization.class);
    if (!"Kustomization".equals(k.kind())) {
      throw new ManifestException(dir.resolve(FILE) + ": kind must be Kustomization");
    }
    return k;
  }

  /** Every object {@code dir}'s kustomization produces, in order. */
  static List<Manifest> build(Path dir) {
    Kustomization k = kustomization(dir);
    List<Manifest> out = new ArrayList<>();
    for (String resource : k.resources()) {
      Path p = dir.resolve(resource).normalize();
      if (Files.isDirectory(p)) {
        out.addAll(build(p));
      } else {
        for (JsonNode doc : read(p)) {
          out.add(new Manifest(p.toString(), object(doc, p)));
        }
      }
    }
    for (Kustomization.Patch patch : k.patches()) {
      apply(dir, patch, out);
    }
    for (Kustomization.Image image : k.images()) {
      out.forEach(m -> setImage(m, image));
    }
    if (k.namespace() != null) {
      out.stream()
          .filter(m -> !ManifestKinds.CLUSTER_SCOPED.contains(m.kind()))
          .forEach(m -> ((ObjectNode) m.tree().with("metadata")).put("namespace", k.namespace()));
    }
    return out;
  }

  private static void apply(Path dir, Kustomization.Patch patch, List<Manifest> objects) {
    if (patch.path() != null && patch.patch() == null && patch.target() == null) {
      Path file = dir.resolve(patch.path());
      for (JsonNode doc : read(file)) {
        ManifestKinds.readPartial(file.toString(), doc); // a patch is checked like any object
        Manifest target = single(objects, doc, file);
        StrategicMerge.merge(target.tree(), doc);
      }
    } else if (patch.patch() != null && patch.target() != null && patch.path() == null) {
      JsonNode ops = only(StrictYaml.documents(patch.patch()), dir.resolve(FILE));
      List<Manifest> targets = objects.stream().filter(m -> selects(patch.target(), m)).toList();
      if (targets.isEmpty()) {
        throw new ManifestException(
            dir.resolve(FILE) + ": patch target " + patch.target() + " selects nothing");
      }
      targets.forEach(m -> JsonPatch.apply(m.tree(), ops, m.describe()));
    } else {
      throw new ManifestException(
          dir.resolve(FILE)
              + ": a patch is either a path (strategic merge) or a patch with a target");
    }
  }

  private static Manifest single(List<Manifest> objects, JsonNode patch, Path file) {
    List<Manifest> matches =
        objects.stream()
            .filter(
                m ->
                    m.apiVersion().equals(patch.path("apiVersion").asText())
                        && m.kind().equals(patch.path("kind").asText())
                        && m.name().equals(patch.path("metadata").path("name").asText()))
            .toList();
    if (matches.size() != 1) {
      throw new ManifestException(
          file
              + ": the patch of "
              + patch.path("kind").asText()
              + "/"
              + patch.path("metadata").path("name").asText()
              + " matches "
              + matches.size()
              + " objects, not 1");
    }
    return matches.get(0);
  }

  private static boolean selects(Kustomization.Target t, Manifest m) {
    String version = m.apiVersion().substring(m.apiVersion().indexOf('/') + 1);
    return (t.group() == null || t.group().equals(m.group()))
        && (t.version() == null || t.version().equals(version))
        && (t.kind() == null || t.kind().equals(m.kind()))
        && (t.name() == null || t.name().equals(m.name()));
  }

  private static void setImage(Manifest m, Kustomization.Image image) {
    for (JsonNode c : m.at("/spec/template/spec/containers")) {
      String current = c.path("image").asText();
      int colon = current.lastIndexOf(':');
      String name = colon > 0 ? current.substring(0, colon) : current;
      String tag = colon > 0 ? current.substring(colon + 1) : null;
      if (name.equals(image.name())) {
        String newName = image.newName() == null ? name : image.newName();
        String newTag = image.newTag() == null ? tag : image.newTag();
        ((ObjectNode) c)
            .set("image", new TextNode(newTag == null ? newName : newName + ":" + newTag));
      }
    }
  }

  private static List<JsonNode> read(Path file) {
    try {
      return StrictYaml.documents(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ManifestException e) {
      throw new ManifestException(file + ": " + e.getMessage());
    }
  }

  private static JsonNode only(List<JsonNode> docs, Path file) {
    if (docs.size() != 1) {
      throw new ManifestException(file + ": expected one YAML document, found " + docs.size());
    }
    return docs.get(0);
  }

  private static ObjectNode object(JsonNode doc, Path file) {
    if (!(doc instanceof ObjectNode o)) {
      throw new ManifestException(file + ": a document that is not an object");
    }
    return o;
  }
}

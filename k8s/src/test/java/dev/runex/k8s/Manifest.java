package dev.runex.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kubernetes object: where it came from, its tree (what kustomize would emit), and its kind.
 */
record Manifest(String source, ObjectNode tree) {

  String apiVersion() {
    return tree.path("apiVersion").asText();
  }

  String kind() {
    return tree.path("kind").asText();
  }

  String name() {
    return tree.path("metadata").path("name").asText();
  }

  /** The API group: "" for the core group. */
  String group() {
    String v = apiVersion();
    return v.contains("/") ? v.substring(0, v.indexOf('/')) : "";
  }

  JsonNode at(String pointer) {
    return tree.at(pointer);
  }

  /** {@code Kind/name (source)} for messages. */
  String describe() {
    return kind() + "/" + name() + " (" + source + ")";
  }

  /** The object read strictly into its model, with the required fields of its kind checked. */
  Object model() {
    return ManifestKinds.read(this);
  }
}

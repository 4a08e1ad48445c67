package dev.runex.k8s;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * JSON Patch (RFC 6902) operations {@code add}, {@code replace} and {@code remove} on objects and
 * list indexes: what the overlays' inline patches use. {@code replace} and {@code remove} of a path
 * that does not exist fail, as the RFC says.
 */
final class JsonPatch {
  private JsonPatch() {}

  static void apply(ObjectNode target, JsonNode ops, String what) {
    if (!ops.isArray()) {
      throw new ManifestException(what + ": a JSON patch is a list of operations");
    }
    for (JsonNode op : ops) {
      String kind = op.path("op").asText();
      JsonPointer path = JsonPointer.compile(op.path("path").asText());
      JsonNode parent = target.at(path.head());
      String last = path.last().getMatchingProperty();
      boolean exists = !target.at(path).isMissingNode();
      switch (kind) {
        case "add", "replace" -> {
          if (kind.equals("replace") && !exists) {
            throw new ManifestException(what + ": replace of missing " + path);
          }
          set(parent, last, op.get("value"), path, what);
        }
        case "remove" -> {
          if (!exists) {
            throw new ManifestException(what + ": remove of missing " + path);
          }
          if (parent instanceof ObjectNode o) {
            o.remove(last);
          } else {
            ((ArrayNode) parent).remove(Integer.parseInt(last));
          }
        }
        default -> throw new ManifestException(what + ": unsupported JSON patch op '" + kind + "'");
      }
    }
  }

  private static void set(
      JsonNode parent, String last, JsonNode value, JsonPointer path, String what) {
    if (value == null) {
      throw new ManifestException(what + ": no value for " + path);
    }
    if (parent instanceof ObjectNode o) {
      o.set(last, value.deepCopy());
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value.deepCopy());
      } else {
        a.set(Integer.parseInt(last), value.deepCopy());
      }
    } else {
      throw new ManifestException(what + ": no parent object for " + path);
    }
  }
}

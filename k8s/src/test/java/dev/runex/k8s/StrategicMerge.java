package dev.runex.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Kubernetes strategic-merge patch, as far as runex's overlays use it: objects merge field by
 * field, a null deletes a field, lists of objects that all have a {@code name} (containers, env,
 * volumes, volume mounts, ports) merge by name, and every other list is replaced — as kustomize
 * does for lists without a merge key (e.g. {@code volumeClaimTemplates}).
 */
final class StrategicMerge {
  private StrategicMerge() {}

  static void merge(ObjectNode target, JsonNode patch) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode current = target.get(f.getKey());
      JsonNode value = f.getValue();
      if (value.isNull()) {
        target.remove(f.getKey());
      } else if (current instanceof ObjectNode o && value.isObject()) {
        merge(o, value);
      } else if (current instanceof ArrayNode a
          && value.isArray()
          && namedObjects(a)
          && namedObjects(value)) {
        mergeByName(a, value);
      } else {
        target.set(f.getKey(), value.deepCopy());
      }
    }
  }

  private static void mergeByName(ArrayNode target, JsonNode patch) {
    for (JsonNode item : patch) {
      ObjectNode existing = null;
      for (JsonNode t : target) {
        if (t.path("name").asText().equals(item.path("name").asText())) {
          existing = (ObjectNode) t;
        }
      }
      if (existing == null) {
        target.add(item.deepCopy());
      } else {
        merge(existing, item);
      }
    }
  }

  private static boolean namedObjects(JsonNode list) {
    for (JsonNode item : list) {
      if (!item.isObject() || !item.path("name").isTextual()) {
        return false;
      }
    }
    return true;
  }
}

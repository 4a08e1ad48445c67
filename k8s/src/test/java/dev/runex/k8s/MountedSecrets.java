package dev.runex.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.SecretReference;
import java.util.List;

/**
 * What a container would read through a {@code file:} reference: the file must lie in a volume the
 * workload mounts from a Secret of the rendered overlay, and that Secret must have the key the file
 * is named after (its {@code stringData}, where the placeholders are). An AssertionError otherwise.
 */
final class MountedSecrets {
  private MountedSecrets() {}

  /** The Secret's value the file {@code ref} names inside {@code workload}'s first container. */
  static String value(List<Manifest> objects, Manifest workload, SecretReference.File ref) {
    JsonNode pod = workload.at("/spec/template/spec");
    for (JsonNode mount : pod.at("/containers/0/volumeMounts")) {
      String mountPath = mount.path("mountPath").asText();
      if (!ref.path().startsWith(mountPath + "/")) {
        continue;
      }
      String key = ref.path().substring(mountPath.length() + 1);
      for (JsonNode v : pod.path("volumes")) {
        if (v.path("name").asText().equals(mount.path("name").asText()) && v.has("secret")) {
          Manifest secret = PodConfig.find(objects, "Secret", v.at("/secret/secretName").asText());
          JsonNode value = secret.at("/stringData/" + key);
          if (!value.isTextual()) {
            throw new AssertionError(secret.describe() + " has no key " + key);
          }
          return value.asText();
        }
      }
    }
    throw new AssertionError(workload.describe() + ": no Secret is mounted at " + ref.path());
  }

  /** True when {@code workload}'s pods mount the Secret {@code name} as a volume. */
  static boolean mounts(Manifest workload, String name) {
    for (JsonNode v : workload.at("/spec/template/spec/volumes")) {
      if (v.at("/secret/secretName").asText().equals(name)) {
        return true;
      }
    }
    return false;
  }
}

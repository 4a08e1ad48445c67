package dev.runex.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one runex container of a rendered overlay would run with, worked out as Kubernetes and the
 * runex command would: its environment (envFrom ConfigMaps, then env with {@code $(VAR)} expanded,
 * downward-API fields given sample values), its arguments (expanded the same way), and the config
 * file RUNEX_CONFIG names, read from the ConfigMap volume mounted there. {@link #load()} loads it
 * through the runtime's own {@link ConfigLoader}.
 */
record PodConfig(
    Manifest workload,
    String container,
    Map<String, String> env,
    List<String> args,
    String configPath,
    String configYaml) {

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** A sample pod name for {@code workload}: what {@code metadata.name} resolves to. */
  static String samplePodName(Manifest workload) {
    return workload.name() + (workload.kind().equals("StatefulSet") ? "-0" : "-5d8f9c7b6-x2x4q");
  }

  static PodConfig of(List<Manifest> objects, Manifest workload, String containerName) {
    JsonNode pod = workload.at("/spec/template/spec");
    JsonNode c = null;
    for (JsonNode each : pod.path("containers")) {
      if (each.path("name").asText().equals(containerName)) {
        c = each;
      }
    }
    if (c == null) {
      throw new AssertionError(workload.describe() + " has no container " + containerName);
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : c.path("envFrom")) {
      Manifest cm = find(objects, "ConfigMap", from.at("/configMapRef/name").asText());
      cm.at("/data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    for (JsonNode e : c.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        env.put(name, expand(e.path("value").asText(), env));
      } else {
        String field = e.at("/valueFrom/fieldRef/fieldPath").asText();
        env.put(
            name,
            switch (field) {
              case "metadata.name" -> samplePodName(workload);
              case "metadata.namespace" -> workload.at("/metadata/namespace").asText("default");
              default ->
                  throw new AssertionError(workload.describe() + ": env " + name + " from " + e);
            });
      }
    }
    List<String> args = new ArrayList<>();
    c.path("args").forEach(a -> args.add(expand(a.asText(), env)));
    String path = env.get("RUNEX_CONFIG");
    if (path == null) {
      throw new AssertionError(
          workload.describe() + ": container " + containerName + " sets no RUNEX_CONFIG");
    }
    return new PodConfig(
        workload, containerName, env, args, path, mountedFile(objects, pod, c, path, workload));
  }

  /** The runex configuration this container loads; a ConfigException when it does not load. */
  RunexConfig load() {
    return ConfigLoader.fromYaml(configYaml, env, overrides());
  }

  /** The subcommand: {@code topology}, {@code worker}, {@code gateway}. */
  String command() {
    return args.isEmpty() ? "" : args.get(0);
  }

  /** The command's options as settings, as the runex command maps them. */
  Map<String, String> overrides() {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      String value = i + 1 < args.size() ? args.get(i + 1) : null;
      switch (a) {
        case "--set" -> {
          int eq = value.indexOf('=');
          out.put(value.substring(0, eq), value.substring(eq + 1));
        }
        case "--pool" -> out.put(Settings.WORKER_POOL.key(), value);
        case "--id" -> out.put(Settings.WORKER_ID.key(), value);
        case "--concurrency" -> out.put(Settings.WORKER_CONCURRENCY.key(), value);
        default ->
            throw new AssertionError(
                workload.describe() + ": argument '" + a + "' that this check does not know");
      }
      i++;
    }
    return out;
  }

  static Manifest find(List<Manifest> objects, String kind, String name) {
    return objects.stream()
        .filter(m -> m.kind().equals(kind) && m.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + kind + "/" + name + " in the rendered overlay"));
  }

  private static String mountedFile(
      List<Manifest> objects, JsonNode pod, JsonNode c, String path, Manifest workload) {
    for (JsonNode mount : c.path("volumeMounts")) {
      String dir = mount.path("mountPath").asText();
      if (path.startsWith(dir + "/")) {
        String key = path.substring(dir.length() + 1);
        for (JsonNode v : pod.path("volumes")) {
          if (v.path("name").asText().equals(mount.path("name").asText()) && v.has("configMap")) {
            JsonNode data =
                find(objects, "ConfigMap", v.at("/configMap/name").asText()).at("/data/" + key);
            if (data.isTextual()) {
              return data.asText();
            }
          }
        }
      }
    }
    throw new AssertionError(
        workload.describe() + ": no ConfigMap key is mounted at " + path + " (RUNEX_CONFIG)");
  }

  static String expand(String text, Map<String, String> env) {
    Matcher m = VAR.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      // as Kubernetes does: an unknown variable stays as written
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}

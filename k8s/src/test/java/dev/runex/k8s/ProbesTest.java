package dev.runex.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.Settings;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every probe asks a path the process serves ({@link MetricsEndpoint#ROUTES}) on the port it serves
 * it on: liveness and startup ask {@code /health/live}, readiness {@code /health/ready}; the
 * topology and the workers serve them on {@code runex.metrics.port}, the gateway on the port
 * RUNEX_GATEWAY_PORT names.
 */
class ProbesTest {
  private static final Map<String, String> PATH_OF =
      Map.of(
          "livenessProbe", MetricsEndpoint.LIVE_PATH,
          "startupProbe", MetricsEndpoint.LIVE_PATH,
          "readinessProbe", MetricsEndpoint.READY_PATH);

  @Test
  void probesAskWhatTheProcessServes() {
    for (Path dir : Overlays.all()) {
      List<Manifest> objects = Overlays.render(dir);
      assertThat(problems(objects)).as(dir.toString()).isEmpty();
    }
  }

  @Test
  void aProbeOnAPathTheProcessDoesNotServeIsReported() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    Manifest worker = PodConfig.find(objects, "Deployment", "runex-worker-default");
    ((ObjectNode) worker.at("/spec/template/spec/containers/0/readinessProbe/httpGet"))
        .put("path", "/healthz");

    assertThat(problems(objects))
        .containsExactly(
            worker.describe()
                + " readinessProbe: path /healthz, served: "
                + MetricsEndpoint.ROUTES);
  }

  @Test
  void aProbeOnAnotherPortIsReported() {
    List<Manifest> objects = Overlays.render(Overlays.root().resolve("base"));
    Manifest topology = PodConfig.find(objects, "StatefulSet", "runex-topology");
    ((ObjectNode) topology.at("/spec/template/spec/containers/0/livenessProbe/httpGet"))
        .put("port", "status");

    assertThat(problems(objects))
        .containsExactly(topology.describe() + " livenessProbe: port 9471, served on 9464");
  }

  @Test
  void everyContainerHasLivenessAndReadiness() {
    for (Path dir : Overlays.all()) {
      for (Manifest w : Overlays.workloads(Overlays.render(dir))) {
        JsonNode c = w.at("/spec/template/spec/containers/0");
        assertThat(c.has("livenessProbe") && c.has("readinessProbe")).as(w.describe()).isTrue();
      }
    }
  }

  static List<String> problems(List<Manifest> objects) {
    List<String> out = new ArrayList<>();
    for (Manifest w : Overlays.workloads(objects)) {
      String component = Overlays.component(w);
      PodConfig pod = PodConfig.of(objects, w, component);
      int served =
          component.equals("gateway")
              ? Integer.parseInt(pod.env().get("RUNEX_GATEWAY_PORT"))
              : pod.load().intValue(Settings.METRICS_PORT);
      JsonNode c = w.at("/spec/template/spec/containers/0");
      for (var probe : PATH_OF.entrySet()) {
        JsonNode get = c.path(probe.getKey()).path("httpGet");
        if (get.isMissingNode()) {
          continue;
        }
        String path = get.path("path").asText();
        if (!MetricsEndpoint.ROUTES.contains(path) || !path.equals(probe.getValue())) {
          out.add(
              w.describe()
                  + " "
                  + probe.getKey()
                  + ": path "
                  + path
                  + ", served: "
                  + MetricsEndpoint.ROUTES);
        }
        int port = port(c, get.path("port"));
        if (port != served) {
          out.add(w.describe() + " " + probe.getKey() + ": port " + port + ", served on " + served);
        }
      }
    }
    return out;
  }

  /** A probe's port: a number, or the name of one of the container's ports. */
  static int port(JsonNode container, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.it.RealKafka;
import dev.runex.launcher.monitoring.MetricsEndpoint;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.RunexTopology;
import dev.runex.workers.HandlerRegistry;
import dev.runex.workers.JobWorker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The health endpoints against the real broker, over HTTP as a Kubernetes probe asks them: ready
 * goes true once the process has its assignment and its state, live goes false when the worker's
 * poll loop dies or the topology's Streams application fails.
 */
class HealthIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @Timeout(300)
  void workerIsReadyOnceAssignedAndNotLiveOnceItsPollLoopDied() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of(Settings.WORKER_ID.key(), "health-worker"));
    try (InProcessRuntime runtime = new InProcessRuntime(cfg);
        MetricsEndpoint endpoint = MetricsEndpoint.start(cfg, "worker");
        JobWorker worker = worker(cfg, runtime.topics, endpoint)) {
      assertThat(get(endpoint, MetricsEndpoint.READY_PATH).statusCode()).isEqualTo(503);

      worker.start();
      await()
          .atMost(WAIT)
          .until(() -> get(endpoint, MetricsEndpoint.READY_PATH).statusCode() == 200);
      JsonNode ready = json(get(endpoint, MetricsEndpoint.READY_PATH));
      assertThat(ready.get("status").asText()).isEqualTo("UP");
      assertThat(ready.toString()).contains("partition(s) of pool default assigned");
      assertThat(get(endpoint, MetricsEndpoint.LIVE_PATH).statusCode()).isEqualTo(200);

      // a second replica with the same id (static group.instance.id, transactional.id) takes the
      // first one's place in the group: its poll loop stops, and only a restart of the process
      // would bring it back
      try (JobWorker twin =
          new JobWorker(cfg, runtime.topics, HandlerRegistry.withBuiltins(), runtime.meters)) {
        twin.start();
        await()
            .atMost(WAIT)
            .until(() -> get(endpoint, MetricsEndpoint.LIVE_PATH).statusCode() == 503);
      }
      JsonNode live = json(get(endpoint, MetricsEndpoint.LIVE_PATH));
      assertThat(live.get("status").asText()).isEqualTo("DOWN");
      assertThat(live.get("checks").get(0).get("name").asText()).isEqualTo("poll-loop");
      assertThat(live.get("checks").get(0).get("detail").asText()).startsWith("stopped by itself");
      assertThat(get(endpoint, MetricsEndpoint.READY_PATH).statusCode()).isEqualTo(503);
    }
  }

  @Test
  @Timeout(300)
  void topologyIsReadyOnceRunningAndNotLiveOnceItsStreamsApplicationFailed() throws Exception {
    // no thread replacement: the first failure stops the Streams application (the default replaces
    // up to 10, each after the dead thread's session expires, which takes minutes)
    RunexConfig cfg =
        RealKafka.config(Map.of(Settings.TOPOLOGY_MAX_THREAD_REPLACEMENTS.key(), "0"));
    try (InProcessRuntime runtime = new InProcessRuntime(cfg);
        MetricsEndpoint endpoint = MetricsEndpoint.start(cfg, "topology");
        RunexTopology topology = new RunexTopology(cfg, runtime.topics, endpoint.registry())) {
      endpoint.health(topology.health());
      assertThat(get(endpoint, MetricsEndpoint.READY_PATH).statusCode()).isEqualTo(503);

      topology.start();
      await()
          .atMost(WAIT)
          .until(() -> get(endpoint, MetricsEndpoint.READY_PATH).statusCode() == 200);
      JsonNode ready = json(get(endpoint, MetricsEndpoint.READY_PATH));
      assertThat(ready.get("checks")).hasSize(2); // the jobs and the status applications
      assertThat(ready.toString()).contains("RUNNING with");

      // its intake topic deleted under it: Kafka Streams stops a client whose source topic is
      // gone (MissingSourceTopicException), the failure this probe must report
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
        admin.deleteTopics(List.of(runtime.topics.intake().name())).all().get();
      }

      // the failing stream thread's exception is the point here, not a test failure
      await()
          .dontCatchUncaughtExceptions()
          .atMost(WAIT)
          .until(() -> get(endpoint, MetricsEndpoint.LIVE_PATH).statusCode() == 503);
      JsonNode live = json(get(endpoint, MetricsEndpoint.LIVE_PATH));
      assertThat(live.get("status").asText()).isEqualTo("DOWN");
      assertThat(live.toString())
          .contains("streams:" + cfg.string(Settings.TOPOLOGY_APPLICATION_ID));
      assertThat(get(endpoint, MetricsEndpoint.READY_PATH).statusCode()).isEqualTo(503);
    }
  }

  private static JobWorker worker(RunexConfig cfg, RunexTopics topics, MetricsEndpoint endpoint) {
    JobWorker worker =
        new JobWorker(cfg, topics, HandlerRegistry.withBuiltins(), endpoint.registry());
    endpoint.health(worker.health());
    return worker;
  }

  private HttpResponse<String> get(MetricsEndpoint endpoint, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return new ObjectMapper().readTree(response.body());
  }
}

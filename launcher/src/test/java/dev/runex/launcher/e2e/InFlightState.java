package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.control.ControlWriter;
import dev.runex.gateway.kafka.Clients;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.topics.RunexTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionFactory;

/**
 * One kind of state that must survive a restart of the runtime ({@link TopologyRestartIT}). The
 * test drives every kind through the same phases, in this order, all kinds per phase:
 *
 * <ol>
 *   <li>{@link #start}: the first runtime runs; put the state in flight and wait until it is
 *       established (what must be restored later has been committed);
 *   <li>{@link #justBeforeRestart}: still the first runtime, immediately before it stops — actions
 *       whose effect may land on either side of the restart (a cancel, jobs just submitted);
 *   <li>{@link #whileDown}: nothing runs;
 *   <li>{@link #afterRestart}: a new topology with empty local state and a new worker run;
 *   <li>the test waits until every id of {@link #jobIds} has its result and final event, then
 *       {@link #verify} checks the kind's own promises (the global invariants are the test's).
 * </ol>
 *
 * <p>A new kind (quota state, say) implements the phases it needs, declares what it needs in the
 * config with {@link #configure}, uses job ids of its own, and is added to the test's list.
 */
interface InFlightState {
  /** What this kind needs in the runtime's config (job types, settings); both runtimes use it. */
  default RunexConfig configure(RunexConfig cfg) {
    return cfg;
  }

  default void start(Run run) throws Exception {}

  default void justBeforeRestart(Run run) throws Exception {}

  default void whileDown(Run run) throws Exception {}

  default void afterRestart(Run run) throws Exception {}

  /**
   * Every job id this kind submitted (or caused), each of which must end with exactly one result.
   */
  Collection<String> jobIds(Run run);

  void verify(Run run) throws Exception;

  /**
   * {@code cfg} plus the job types declared in {@code yaml} (the body of {@code runex.jobTypes}).
   */
  static RunexConfig withJobTypes(RunexConfig cfg, String yaml) {
    String doc =
        "runex:\n  jobTypes:\n"
            + yaml.stripIndent().lines().map(l -> "    " + l + "\n").collect(Collectors.joining());
    Map<String, JobTypeSpec> types = new HashMap<>(cfg.jobTypes());
    types.putAll(ConfigLoader.fromYaml(doc, Map.of(), Map.of()).jobTypes());
    return cfg.withJobTypes(types);
  }

  /**
   * What the kinds share: the config, the clients, the running topology's status API, and helpers.
   */
  final class Run implements AutoCloseable {
    final RunexConfig cfg;
    final RunexTopics topics;
    final ResultCollector collector;
    final IntakeClient intake;

    /** The job status API of the topology running now; null while down. */
    volatile URI statusUrl;

    /** When the first runtime had stopped: anything it did happened before this. */
    volatile Instant stoppedAt;

    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private KafkaConsumer<byte[], byte[]> intakeReader;
    private final Map<String, Integer> intakeCounts = new HashMap<>();

    Run(RunexConfig cfg, RunexTopics topics, ResultCollector collector, IntakeClient intake) {
      this.cfg = cfg;
      this.topics = topics;
      this.collector = collector;
      this.intake = intake;
    }

    /**
     * Submits a job (JSON) under intake record key {@code recordKey}; {@code extra}: more fields,
     * or null.
     */
    void submit(String recordKey, String id, String type, String tenant, String extra) {
      intake.json(
          recordKey,
          "{\"id\":\""
              + id
              + "\",\"type\":\""
              + type
              + "\",\"tenant\":\""
              + tenant
              + "\""
              + (extra == null ? "" : "," + extra)
              + "}");
      intake.flush();
    }

    /** Submits a {@code note} job (echo, any tenant) keyed by its id. */
    void submit(String id, String tenant, String extra) {
      submit(id, id, "note", tenant, extra);
    }

    /** Writes a control command as {@code runex cancel|pause|resume} does. */
    void control(String target, ControlAction action, String reason) throws Exception {
      ControlWriter.send(cfg, target, action, reason);
    }

    /** The job's one result (fails when it has none or several). */
    JobResult result(String id) {
      List<JobResult> results = collector.results.getOrDefault(id, List.of());
      assertThat(results).as("results of %s", id).hasSize(1);
      return results.get(0);
    }

    List<JobEvent> events(String id, JobEventKind kind) {
      return events(id, EnumSet.of(kind));
    }

    List<JobEvent> events(String id, Set<JobEventKind> kinds) {
      return collector.events.getOrDefault(id, List.of()).stream()
          .filter(e -> kinds.contains(e.getKind()))
          .toList();
    }

    void awaitEvents(Collection<String> ids, JobEventKind kind) {
      await(kind + " events of " + ids)
          .atMost(TopologyRestartIT.WAIT)
          .until(() -> ids.stream().noneMatch(id -> events(id, kind).isEmpty()));
    }

    void awaitResults(Collection<String> ids) {
      await("results of " + ids)
          .atMost(TopologyRestartIT.WAIT)
          .until(() -> collector.results.keySet().containsAll(ids));
    }

    /**
     * The job's status from the running topology's API once it is in {@code state} (503/404
     * meanwhile are retried).
     */
    JsonNode awaitStatus(String id, String state) {
      JsonNode[] found = new JsonNode[1];
      retryingApi()
          .untilAsserted(
              () -> {
                JsonNode body = getOk("/jobs/" + id);
                assertThat(body.path("state").asText()).as("state of %s", id).isEqualTo(state);
                found[0] = body;
              });
      return found[0];
    }

    /**
     * The ids the running topology's API lists for {@code tenant} (first page of 100) once they are
     * exactly {@code ids} (503 meanwhile is retried).
     */
    void awaitTenantListing(String tenant, Collection<String> ids) {
      retryingApi()
          .untilAsserted(
              () -> {
                JsonNode body = getOk("/jobs?tenant=" + tenant + "&limit=100");
                List<String> listed = new ArrayList<>();
                body.path("jobs").forEach(j -> listed.add(j.path("jobId").asText()));
                assertThat(listed)
                    .as("jobs of tenant %s", tenant)
                    .containsExactlyInAnyOrderElementsOf(ids);
              });
    }

    /** Polls the status API every 250 ms, through its restarts and 503s. */
    private static ConditionFactory retryingApi() {
      return await()
          .atMost(TopologyRestartIT.WAIT)
          .pollInterval(Duration.ofMillis(250))
          .ignoreExceptions();
    }

    /** GET {@code path} from the running topology's status API; fails unless it answers 200. */
    private JsonNode getOk(String path) throws Exception {
      URI uri = URI.create(statusUrl + path);
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      JsonNode body = AvroJson.MAPPER.readTree(r.body());
      assertThat(r.statusCode()).as("GET %s: %s", uri, body).isEqualTo(200);
      return body;
    }

    static List<String> history(JsonNode status) {
      List<String> kinds = new ArrayList<>();
      status.path("history").forEach(t -> kinds.add(t.path("kind").asText()));
      return kinds;
    }

    /**
     * How many committed records each key has on {@code intake} so far (read on from the previous
     * call).
     */
    synchronized Map<String, Integer> intakeRecordsByKey() {
      if (intakeReader == null) {
        intakeReader = Clients.reader(cfg, topics.intake().name(), true);
      }
      Map<TopicPartition, Long> end = intakeReader.endOffsets(intakeReader.assignment());
      while (end.entrySet().stream()
          .anyMatch(e -> intakeReader.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<byte[], byte[]> r : intakeReader.poll(Duration.ofMillis(200))) {
          if (r.key() != null) {
            intakeCounts.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
          }
        }
      }
      return Map.copyOf(intakeCounts);
    }

    @Override
    public synchronized void close() {
      if (intakeReader != null) {
        intakeReader.close();
      }
    }
  }
}

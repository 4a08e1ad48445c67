package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.RunexMain;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.json.AvroJson;
import dev.runex.topology.RunexTopology;
import dev.runex.topology.status.StatusSubtopology;
import dev.runex.topology.status.StatusUpdater;
import dev.runex.workers.HandlerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job status API of the topology, over HTTP against a real broker: a finished and a delayed
 * job, listing with paging, the CLI, and — with two topology instances — any instance answering for
 * any job by routing to the one that owns it.
 */
class JobStatusIT {
  private static final String ECHO = "{\"type\":\"echo\",\"tenant\":\"demo\"}";
  private static final String DELAYED = "{\"type\":\"echo\",\"tenant\":\"demo\",\"delay\":\"1h\"}";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @Timeout(240)
  void finishedAndDelayedJobsHaveTheirStatusOverHttp() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      Instant submitted = Instant.now();
      intake.json("done-1", ECHO);
      intake.json("later-1", DELAYED);
      intake.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.only("done-1") != null);
      URI api = runtime.statusUrl();

      JsonNode done = awaitJob(api, "done-1", "SUCCEEDED");
      assertThat(done.path("terminal").asBoolean()).isTrue();
      assertThat(done.path("attempt").asInt()).isEqualTo(1);
      assertThat(done.path("startedAt").isTextual()).isTrue();
      assertThat(done.path("finishedAt").isTextual()).isTrue();
      assertThat(kinds(done))
          .containsExactly("RECEIVED", "VALIDATED", "SCHEDULED", "STARTED", "SUCCEEDED");

      JsonNode later = awaitJob(api, "later-1", "DELAYED");
      assertThat(later.path("terminal").asBoolean()).isFalse();
      Instant dueAt = Instant.parse(later.path("dueAt").asText());
      assertThat(Duration.between(submitted, dueAt))
          .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));

      assertThat(ids(get(api, "/jobs?tenant=demo&state=DELAYED").body()))
          .containsExactly("later-1");
      Answer first = get(api, "/jobs?tenant=demo&limit=1");
      assertThat(ids(first.body())).containsExactly("done-1");
      String token = first.body().path("nextPageToken").asText();
      Answer second = get(api, "/jobs?tenant=demo&limit=1&pageToken=" + token);
      assertThat(ids(second.body())).containsExactly("later-1");
      assertThat(second.body().path("nextPageToken").isNull()).isTrue();
      assertThat(get(api, "/jobs/no-such-job").status()).isEqualTo(404);
      assertThat(get(api, "/jobs?state=SLEEPING").status()).isEqualTo(400);

      // the job-status application's stream threads fold at a lower CPU priority, and only they
      // (counted over the JVM: tests running beside this one have job-status applications too)
      int lowered = ownNice() + cfg.intValue(Settings.TOPOLOGY_STATUS_NICE);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                long atLowered = threadsAtNice(lowered);
                return atLowered >= 1 && atLowered <= statusStreamThreadsAlive();
              });

      CommandLine cli = new CommandLine(new RunexMain());
      assertThat(cli.execute("status", "done-1", "--status-url", api.toString())).isZero();
      assertThat(cli.execute("status", "no-such-job", "--status-url", api.toString())).isEqualTo(1);
      assertThat(
              cli.execute(
                  "jobs", "--tenant", "demo", "--state", "DELAYED", "--status-url", api.toString()))
          .isZero();
    }
  }

  @Test
  @Timeout(240)
  void withTheStatusApplicationOffJobsRunAndNoStatusIsKept() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of(Settings.TOPOLOGY_STATUS_ENABLED.key(), "false"));
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers()))) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      intake.json("unwatched-1", ECHO);
      intake.flush();

      await().atMost(Duration.ofSeconds(60)).until(() -> collector.only("unwatched-1") != null);

      assertThat(collector.only("unwatched-1").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(runtime.topology().statusUrl()).isEmpty();
      assertThat(runtime.topology().isRunning()).isTrue();
      // the status application's changelogs (<application id>-status-job-status-changelog, ...)
      // would
      // exist by now had it run: its first rebalance creates them
      String statusApp = cfg.string(Settings.TOPOLOGY_APPLICATION_ID) + "-status";
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .noneMatch(n -> n.startsWith(statusApp))
          .anyMatch(
              n -> n.startsWith(cfg.string(Settings.TOPOLOGY_APPLICATION_ID) + "-delay-index"));
    }
  }

  @Test
  @Timeout(300)
  void everyInstanceAnswersForEveryJobByRoutingToItsOwner(@TempDir Path secondState)
      throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    RunexConfig secondCfg = cfg.with(Settings.TOPOLOGY_STATE_DIR, secondState.toString());
    List<String> ids = new ArrayList<>();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        RunexTopology second =
            new RunexTopology(secondCfg, runtime.topics, new SimpleMeterRegistry());
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      second.start();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> second.state() == KafkaStreams.State.RUNNING);
      for (int i = 0; i < 12; i++) {
        ids.add("spread-" + i);
        intake.json("spread-" + i, DELAYED);
      }
      intake.flush();
      List<URI> instances = List.of(runtime.statusUrl(), second.statusUrl().orElseThrow());
      // each instance owns part of the jobs, so answering for the rest needs the owner's help
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                List<String> own =
                    ids(get(instances.get(0), "/jobs?tenant=demo&limit=100&local=true").body());
                List<String> other =
                    ids(get(instances.get(1), "/jobs?tenant=demo&limit=100&local=true").body());
                assertThat(own).isNotEmpty();
                assertThat(other).isNotEmpty();
                assertThat(own).doesNotContainAnyElementsOf(other);
                assertThat(own.size() + other.size()).isEqualTo(ids.size());
              });

      for (URI api : instances) {
        for (String id : ids) {
          assertThat(awaitJob(api, id, "DELAYED").path("jobId").asText()).isEqualTo(id);
        }
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(ids(get(api, "/jobs?tenant=demo&limit=100").body()))
                        .containsExactlyInAnyOrderElementsOf(ids));
      }
    }
  }

  @Test
  @Timeout(300)
  void statusMovesWithItsTasksWhenAnInstanceLeavesAndItsStandbyTakesOver(@TempDir Path standbyState)
      throws Exception {
    // given: two instances, each keeping a standby of the other's stores
    RunexConfig cfg = RealKafka.config(Map.of(Settings.TOPOLOGY_STANDBY_REPLICAS.key(), "1"));
    RunexConfig secondCfg = cfg.with(Settings.TOPOLOGY_STATE_DIR, standbyState.toString());
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      URI api = runtime.statusUrl();
      try (RunexTopology second =
          new RunexTopology(secondCfg, runtime.topics, new SimpleMeterRegistry())) {
        second.start();
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> second.state() == KafkaStreams.State.RUNNING);
        for (int i = 0; i < 24; i++) {
          before.add("standby-" + i);
          intake.json("standby-" + i, ECHO);
        }
        intake.flush();
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> before.stream().allMatch(id -> collector.only(id) != null));
        URI other = second.statusUrl().orElseThrow();
        // both instances own some of the finished jobs' statuses
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  List<String> own =
                      ids(
                          get(api, "/jobs?tenant=demo&limit=100&local=true&state=SUCCEEDED")
                              .body());
                  List<String> theirs =
                      ids(
                          get(other, "/jobs?tenant=demo&limit=100&local=true&state=SUCCEEDED")
                              .body());
                  assertThat(own).isNotEmpty();
                  assertThat(theirs).isNotEmpty();
                  assertThat(own.size() + theirs.size()).isEqualTo(before.size());
                });
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> runtime.topology().standbyTaskCount() > 0);
      } // when: the second instance leaves; its tasks move to the first, whose standbys hold their
      // stores

      for (int i = 0; i < 12; i++) {
        after.add("after-" + i);
        intake.json("after-" + i, ECHO);
      }
      intake.flush();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> after.stream().allMatch(id -> collector.only(id) != null));

      // then: the remaining instance alone holds every job's full status, those finished before and
      // after
      List<String> all = new ArrayList<>(before);
      all.addAll(after);
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          ids(
                              get(api, "/jobs?tenant=demo&limit=100&local=true&state=SUCCEEDED")
                                  .body()))
                      .containsExactlyInAnyOrderElementsOf(all));
      for (String id : all) {
        assertThat(kinds(awaitJob(api, id, "SUCCEEDED")))
            .as(id)
            .containsExactly("RECEIVED", "VALIDATED", "SCHEDULED", "STARTED", "SUCCEEDED");
      }
    }
  }

  private JsonNode awaitJob(URI api, String id, String state) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Answer a = get(api, "/jobs/" + id);
              assertThat(a.status()).as("GET %s/jobs/%s: %s", api, id, a.body()).isEqualTo(200);
              assertThat(a.body().path("state").asText()).isEqualTo(state);
              found[0] = a.body();
            });
    return found[0];
  }

  @Test
  @Timeout(300)
  void anInstanceBackOnItsOwnStateAfterAnotherRanItsTasksListsTheJobsFoldedMeanwhile(
      @TempDir Path otherState) throws Exception {
    // given: the first instance folds a tenant's first jobs, then stops cleanly; a second one, on
    // state of its own, runs every task and folds more of that tenant's jobs
    RunexConfig cfg = RealKafka.config(Map.of());
    RunexConfig otherCfg = cfg.with(Settings.TOPOLOGY_STATE_DIR, otherState.toString());
    String tenant = "moved-" + Long.toHexString(System.nanoTime());
    List<String> jobs = new ArrayList<>();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      submitAndList(runtime.statusUrl(), intake, collector, tenant, "before-", jobs);
      runtime.topology().close();
      try (RunexTopology other =
          new RunexTopology(otherCfg, runtime.topics, new SimpleMeterRegistry())) {
        other.start();
        submitAndList(other.statusUrl().orElseThrow(), intake, collector, tenant, "during-", jobs);
      }

      // when: the first instance comes back on the state it left: its local tenant index knows
      // only the first jobs
      try (RunexTopology back = new RunexTopology(cfg, runtime.topics, new SimpleMeterRegistry())) {
        back.start();

        // then: it rebuilt its indexes (another instance ran the tasks since) and lists them all
        awaitListed(back.statusUrl().orElseThrow(), tenant, jobs);
      }
    }
  }

  @Test
  @Timeout(240)
  void anInstanceJoiningAStatusGroupLedByTheEarlierStoreLayoutRuns(@TempDir Path earlierState)
      throws Exception {
    // given: the status application's group led by an instance of the earlier layout (the two
    // indexes changelogged, no epoch store), as during a rolling upgrade
    RunexConfig cfg = RealKafka.config(Map.of());
    try (InProcessRuntime runtime = new InProcessRuntime(cfg);
        KafkaStreams earlier =
            new KafkaStreams(earlierStatusLayout(runtime), earlierProps(cfg, earlierState))) {
      earlier.start();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> earlier.state() == KafkaStreams.State.RUNNING);

      // when: an instance of this version joins; Kafka Streams makes internal topics from the
      // leader's topology only, so nobody else creates the epoch store's changelog
      runtime.startTopology();

      // then: both its Streams clients run (not rebalancing forever for a missing changelog)
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  assertThat(runtime.topology().health().readiness().reasons())
                      .as("readiness")
                      .isEmpty());
    }
  }

  private static Topology earlierStatusLayout(InProcessRuntime runtime) {
    Topology t = new Topology();
    t.addSource(
        AutoOffsetReset.earliest(),
        StatusSubtopology.EVENTS_SOURCE,
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        runtime.topics.events().name());
    t.addProcessor(
        StatusSubtopology.UPDATER,
        () ->
            new Processor<byte[], byte[], Void, Void>() {
              @Override
              public void process(Record<byte[], byte[]> record) {}
            },
        StatusSubtopology.EVENTS_SOURCE);
    for (String store :
        List.of(StatusUpdater.STORE, StatusUpdater.TENANT_INDEX, StatusUpdater.EXPIRY)) {
      t.addStateStore(
          Stores.keyValueStoreBuilder(
                  Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.ByteArray())
              .withLoggingEnabled(Map.of()),
          StatusSubtopology.UPDATER);
    }
    return t;
  }

  private static Properties earlierProps(RunexConfig cfg, Path state) {
    Properties p = RunexTopology.statusProperties(cfg);
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    return p;
  }

  /**
   * Submits five jobs of {@code tenant} and waits until the API at {@code api} lists all so far.
   */
  private void submitAndList(
      URI api,
      IntakeClient intake,
      ResultCollector collector,
      String tenant,
      String prefix,
      List<String> jobs) {
    List<String> now = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      now.add(prefix + tenant + "-" + i);
      intake.json(now.get(i), "{\"type\":\"echo\",\"tenant\":\"" + tenant + "\"}");
    }
    intake.flush();
    jobs.addAll(now);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> now.stream().allMatch(id -> collector.only(id) != null));
    awaitListed(api, tenant, jobs);
  }

  /** Waits until the API at {@code api} lists exactly {@code jobs} for {@code tenant}. */
  /** The nice value of this process's main thread. */
  private static int ownNice() throws java.io.IOException {
    return niceOf(Path.of("/proc/self/stat"));
  }

  /** How many job-status stream threads (of any runtime in this JVM) are alive. */
  private static long statusStreamThreadsAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(n -> n.contains("-status-") && n.contains("-StreamThread-"))
        .count();
  }

  /** How many of this JVM's threads run at nice value {@code nice}. */
  private static long threadsAtNice(int nice) throws java.io.IOException {
    try (java.util.stream.Stream<Path> tasks =
        java.nio.file.Files.list(Path.of("/proc/self/task"))) {
      long n = 0;
      for (Path task : tasks.toList()) {
        try {
          n += niceOf(task.resolve("stat")) == nice ? 1 : 0;
        } catch (java.nio.file.NoSuchFileException gone) {
          // the thread ended while listed
        }
      }
      return n;
    }
  }

  /** The 19th field of a /proc stat line, counted after the parenthesised command name. */
  private static int niceOf(Path stat) throws java.io.IOException {
    String line = java.nio.file.Files.readString(stat);
    return Integer.parseInt(line.substring(line.lastIndexOf(')') + 2).split(" ")[16]);
  }

  private void awaitListed(URI api, String tenant, List<String> jobs) {
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(ids(get(api, "/jobs?tenant=" + tenant + "&limit=100").body()))
                    .containsExactlyInAnyOrderElementsOf(jobs));
  }

  private record Answer(int status, JsonNode body) {}

  private Answer get(URI api, String path) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), AvroJson.MAPPER.readTree(r.body()));
  }

  private static List<String> kinds(JsonNode job) {
    List<String> out = new ArrayList<>();
    job.path("history").forEach(t -> out.add(t.path("kind").asText()));
    return out;
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("jobs").forEach(j -> out.add(j.path("jobId").asText()));
    return out;
  }
}

package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.control.ControlWriter;
import dev.runex.gateway.kafka.Clients;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.workers.HandlerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancel, pause and resume through the real control topic, as the CLI writes it: a delayed, a
 * queued and a running job each get exactly one CANCELLED result; a paused tenant's jobs wait and
 * then run in order.
 */
class ControlIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  @Timeout(300)
  void cancelsDelayedQueuedAndRunningJobsAndPausesATenantUntilResumed() throws Exception {
    RunexConfig cfg = config();
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());

      // delayed: waiting in the topology's delay index
      submit(intake, "d-1", "note", "demo", "\"delay\":\"10m\"");
      awaitEvent(collector, "d-1", JobEventKind.DELAYED);
      ControlWriter.send(cfg, ControlTargets.job("d-1"), ControlAction.CANCEL, "not needed");

      // queued: released to the pool, held by the worker because its type is paused
      ControlWriter.send(cfg, ControlTargets.type("note"), ControlAction.PAUSE, null);
      submit(intake, "q-1", "note", "demo", null);
      awaitEvent(collector, "q-1", JobEventKind.SCHEDULED);
      ControlWriter.send(cfg, ControlTargets.job("q-1"), ControlAction.CANCEL, null);
      ControlWriter.send(cfg, ControlTargets.type("note"), ControlAction.RESUME, null);

      // running: a process the worker must end
      submit(intake, "r-1", "nap", "demo", null);
      awaitEvent(collector, "r-1", JobEventKind.STARTED);
      ControlWriter.send(cfg, ControlTargets.job("r-1"), ControlAction.CANCEL, null);

      await()
          .atMost(WAIT)
          .until(() -> collector.results.keySet().containsAll(List.of("d-1", "q-1", "r-1")));
      for (String id : List.of("d-1", "q-1", "r-1")) {
        JobResult r = collector.only(id);
        assertThat(r).as("exactly one result for %s", id).isNotNull();
        assertThat(r.getStatus()).as(id).isEqualTo(JobStatus.CANCELLED);
        assertThat(kinds(collector, id))
            .as(id)
            .contains(JobEventKind.CANCELLED)
            .doesNotContain(
                JobEventKind.SUCCEEDED, JobEventKind.FAILED, JobEventKind.RETRY_SCHEDULED);
      }
      assertThat(collector.only("d-1").getError().getMessage()).contains("not needed");
      assertThat(kinds(collector, "q-1")).doesNotContain(JobEventKind.STARTED);
      assertThat(collector.only("r-1").getStartedAt()).isNotNull();

      // pause a tenant: its jobs are scheduled but none starts
      ControlWriter.send(cfg, ControlTargets.tenant("acme"), ControlAction.PAUSE, "maintenance");
      for (int i = 1; i <= 5; i++) {
        submit(intake, "a-" + i, "note", "acme", "\"partitionKey\":\"acme-orders\"");
      }
      submit(intake, "other-1", "note", "demo", null);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  collector.only("other-1") != null
                      && collector.events.getOrDefault("a-5", List.of()).stream()
                          .anyMatch(e -> e.getKind() == JobEventKind.SCHEDULED));

      // resume: all succeed, in order, and none started before the resume
      Instant resumed = Instant.now();
      ControlWriter.send(cfg, ControlTargets.tenant("acme"), ControlAction.RESUME, null);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  List.of("a-1", "a-2", "a-3", "a-4", "a-5").stream()
                      .allMatch(id -> collector.results.containsKey(id)));
      for (int i = 1; i <= 5; i++) {
        assertThat(collector.only("a-" + i).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(collector.only("a-" + i).getStartedAt())
            .as("a-%d held while its tenant was paused", i)
            .isAfterOrEqualTo(resumed);
      }
      // in order: one at a time, in the order the topology scheduled them for their partition key
      // (intake is keyed by job id, so that order need not be the submission order)
      List<String> scheduledOrder = scheduledOrder(cfg, runtime, "a-");
      assertThat(scheduledOrder).hasSize(5);
      for (int i = 0; i + 1 < scheduledOrder.size(); i++) {
        JobResult earlier = collector.only(scheduledOrder.get(i));
        JobResult later = collector.only(scheduledOrder.get(i + 1));
        assertThat(earlier.getFinishedAt())
            .as("%s before %s", earlier.getId(), later.getId())
            .isBeforeOrEqualTo(later.getStartedAt());
      }
      Settled.awaitTopologyDone(cfg, WAIT);
      Settled.awaitWorkersDone(cfg, "default", WAIT);
      collector.awaitCaughtUp(WAIT);
      assertThat(collector.resultCount()).as("one result per job, nothing else").isEqualTo(9);
    }
  }

  /** Ids starting with {@code prefix} in the offset order of the pool topic. */
  private static List<String> scheduledOrder(
      RunexConfig cfg, InProcessRuntime runtime, String prefix) {
    var scheduled = runtime.topics.scheduled("default");
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> reader = Clients.reader(cfg, scheduled.name(), true)) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
                  String id =
                      scheduled
                          .valueSerde()
                          .deserializer()
                          .deserialize(r.topic(), r.value())
                          .getId();
                  if (id.startsWith(prefix)) {
                    ids.add(id);
                  }
                }
                return ids.size() >= 5;
              });
    }
    return ids;
  }

  private static void submit(
      IntakeClient intake, String id, String type, String tenant, String extra) {
    intake.json(
        id,
        "{\"id\":\""
            + id
            + "\",\"type\":\""
            + type
            + "\",\"tenant\":\""
            + tenant
            + "\",\"params\":{}"
            + (extra == null ? "" : "," + extra)
            + "}");
    intake.flush();
  }

  private static void awaitEvent(ResultCollector collector, String id, JobEventKind kind) {
    await().atMost(WAIT).until(() -> kinds(collector, id).contains(kind));
  }

  private static List<JobEventKind> kinds(ResultCollector collector, String id) {
    return collector.events.getOrDefault(id, List.of()).stream().map(JobEvent::getKind).toList();
  }

  private static RunexConfig config() {
    RunexConfig base = RealKafka.config(Map.of("runex.topology.punctuateInterval", "100ms"));
    String yaml =
        """
        runex:
          jobTypes:
            note:
              executor: java
              handler: echo
              tenants: ["*"]
              allowUnknownParams: true
            nap:
              executor: process
              tenants: [demo]
              timeout: 120s
              maxTimeout: 5m
              process:
                command: ["/bin/sleep", "60"]
        """;
    Map<String, JobTypeSpec> types = new HashMap<>(base.jobTypes());
    types.putAll(ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobTypes());
    return base.withJobTypes(types);
  }
}

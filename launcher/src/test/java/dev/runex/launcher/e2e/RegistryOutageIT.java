package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.local.LocalInfra;
import dev.runex.launcher.local.RegistryStorage;
import dev.runex.launcher.local.SchemaRegistryServer;
import dev.runex.launcher.local.TopicProvisioner;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.serde.HttpSchemaRegistryClient;
import dev.runex.schemas.topics.RunexTopics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The schema registry killed (SIGKILL, by pid) for ~30 s while Avro intake flows, then restarted on
 * the same port and storage (schemas journaled on the broker, so ids stay valid). During the outage
 * a worker restarted meanwhile, with nothing cached, gets jobs the topology could still schedule
 * (their schemas were cached), and then the topology meets a schema id it has not seen yet. No job
 * may be rejected because the registry was unreachable (UNKNOWN_SCHEMA_ID is for ids the registry
 * does not know), no stream thread may die, both processes keep running, and every job completes
 * once the registry is back.
 */
@Execution(ExecutionMode.CONCURRENT) // mostly waits on its own servers: runs beside the others
class RegistryOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  @TempDir Path tmp;

  @Test
  @Timeout(900)
  void avroIntakeWaitsForTheRegistryAndEveryJobCompletesOnceItIsBack() throws Exception {
    try (LocalInfra infra =
        LocalInfra.start(tmp.resolve("infra"), 0, 0, 0, LocalInfra.SchemaStore.KAFKA)) {
      RunexConfig cfg = config(infra);
      RunexTopics topics = cfg.topics();
      TopicProvisioner.ensureTopics(cfg, topics, cfg.pools());
      String subject = topics.intake().name() + "-value";
      HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(infra.registryUrl());
      int v1 = registry.register(subject, JobRequest.getClassSchema());
      int v2 = registry.register(subject, withNote(JobRequest.getClassSchema()));
      assertThat(v2).isNotEqualTo(v1);
      Path logs = Files.createDirectories(Path.of("target/registry-outage-logs"));
      SchemaRegistryServer restarted = null;
      try (RuntimeProcesses runtime = new RuntimeProcesses(logs);
          ResultCollector collector = new ResultCollector(cfg, topics);
          KafkaProducer<byte[], byte[]> intake = producer(cfg)) {
        Process topology = runtime.topology(cfg, tmp.resolve("streams"));
        Process worker = runtime.worker(cfg, "outage-worker-1");
        List<String> ids = new ArrayList<>();
        // given: Avro intake flowing while the registry is up
        submit(intake, topics, ids, "before", 30, v1, JobRequest.getClassSchema());
        await("jobs before the outage")
            .atMost(Duration.ofMinutes(5))
            .until(() -> collector.results.size() >= ids.size());

        // when: the registry dies; a worker restarts without it; intake uses a schema id the
        // topology has not seen yet, as well as the known one, and JSON
        // one handle, taken before the kill: once the process is reaped its pid has no handle
        ProcessHandle registryProcess = ProcessHandle.of(infra.registry().pid()).orElseThrow();
        registryProcess.destroyForcibly();
        assertThat(registryProcess.onExit().get(30, TimeUnit.SECONDS)).isNotNull();
        long outageStarted = System.nanoTime();
        worker.destroy();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Process coldWorker = runtime.worker(cfg, "outage-worker-2");
        List<String> known = new ArrayList<>();
        submit(intake, topics, known, "old-id", 60, v1, JobRequest.getClassSchema());
        for (int i = 0; i < 30; i++) {
          String id = "json-" + i;
          known.add(id);
          intake.send(
              new ProducerRecord<>(
                  topics.intake().name(),
                  id.getBytes(StandardCharsets.UTF_8),
                  "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hi\"}}"
                      .getBytes(StandardCharsets.UTF_8)));
        }
        intake.flush();
        ids.addAll(known);
        // the topology knows these schemas: they reach the cold worker, which must wait
        await("jobs of known schemas scheduled during the outage")
            .atMost(Duration.ofMinutes(2))
            .until(() -> known.stream().allMatch(id -> scheduled(collector, id)));
        submit(intake, topics, ids, "new-id", 60, v2, withNote(JobRequest.getClassSchema()));
        long left = OUTAGE.toNanos() - (System.nanoTime() - outageStarted);
        if (left > 0) {
          Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left)); // the outage lasts this long
        }
        assertThat(rejected(collector)).as("rejections during the outage").isEmpty();
        assertThat(topology.isAlive()).as("topology during the outage").isTrue();
        assertThat(coldWorker.isAlive()).as("worker during the outage").isTrue();
        restarted =
            SchemaRegistryServer.start(
                tmp.resolve("infra/registry"),
                infra.registry().port(),
                RegistryStorage.kafkaSql(infra.bootstrapServers()));

        // then
        await("every job's result once the registry is back")
            .atMost(Duration.ofMinutes(6))
            .until(() -> collector.results.size() >= ids.size());
        await("no second result")
            .during(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(20))
            .until(() -> collector.resultCount() == ids.size());
        assertThat(rejected(collector)).isEmpty();
        assertThat(collector.results.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(collector.results.values())
            .allSatisfy(
                list -> {
                  assertThat(list).hasSize(1);
                  assertThat(list.get(0).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
                });
        assertThat(topology.isAlive()).as("the topology process, see %s", logs).isTrue();
        assertThat(coldWorker.isAlive()).as("the worker process, see %s", logs).isTrue();
        assertThat(Files.readString(logs.resolve("topology.log")))
            .as("no stream thread died")
            .doesNotContain("Stream thread failed")
            .doesNotContain("stopping the topology");
        assertThat(Files.readString(logs.resolve("worker-outage-worker-2.log")))
            .as("the cold worker met the outage (the path this test is about)")
            .contains("schema registry unavailable");
      } finally {
        if (restarted != null) {
          restarted.close();
        }
      }
    }
  }

  private static boolean scheduled(ResultCollector collector, String id) {
    return collector.events.getOrDefault(id, List.of()).stream()
        .anyMatch(e -> e.getKind() == JobEventKind.SCHEDULED);
  }

  private static List<JobResult> rejected(ResultCollector collector) {
    return collector.results.values().stream()
        .flatMap(List::stream)
        .filter(r -> r.getStatus() != JobStatus.SUCCEEDED)
        .toList();
  }

  /** JobRequest with one more optional field: a second, compatible version with its own id. */
  private static Schema withNote(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(
        new Schema.Field(
            "note",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            null,
            Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /** Submits {@code count} echo jobs as Confluent-framed Avro with schema {@code id}. */
  private static void submit(
      KafkaProducer<byte[], byte[]> intake,
      RunexTopics topics,
      List<String> ids,
      String prefix,
      int count,
      int schemaId,
      Schema schema)
      throws IOException {
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      ids.add(id);
      GenericRecord r = new GenericData.Record(schema);
      for (Schema.Field f : schema.getFields()) {
        if (f.hasDefaultValue()) {
          r.put(f.name(), GenericData.get().getDefaultValue(f));
        }
      }
      r.put("id", id);
      r.put("type", "echo");
      r.put("tenant", "demo");
      r.put("params", Map.of("message", "avro " + id));
      intake.send(
          new ProducerRecord<>(
              topics.intake().name(), id.getBytes(StandardCharsets.UTF_8), frame(schemaId, r)));
    }
    intake.flush();
  }

  private static byte[] frame(int schemaId, GenericRecord r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(r.getSchema()).write(r, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static RunexConfig config(LocalInfra infra) {
    return ConfigLoader.load(
        null,
        Map.of(),
        Map.of(
            Settings.BOOTSTRAP_SERVERS.key(), infra.bootstrapServers(),
            Settings.SCHEMA_REGISTRY_URL.key(), infra.registryUrl(),
            Settings.TOPOLOGY_APPLICATION_ID.key(), "outage-topology",
            Settings.METRICS_PORT.key(), "0",
            Settings.TOPOLOGY_STATUS_PORT.key(), "0"));
  }

  private static KafkaProducer<byte[], byte[]> producer(RunexConfig cfg) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cfg.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}

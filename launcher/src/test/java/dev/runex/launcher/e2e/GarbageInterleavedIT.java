package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.launcher.it.RealKafka;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.workers.HandlerRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Malformed and edge-case records of every kind the intake fuzzing generates — and a record framed
 * with the id of a Protobuf schema the registry holds — interleaved one for one with good JSON and
 * Avro jobs on the real broker and registry. Behaviour only (throughput is the bench's): every good
 * job gets its SUCCEEDED result, every bad record its REJECTED result and dead letter, each exactly
 * once, and no stream thread died on the way (a replaced thread would have a new name).
 */
class GarbageInterleavedIT {
  private static final int ROUNDS = 150;

  @Test
  @Timeout(300)
  void goodJobsRunAndEveryBadRecordIsRejectedWithoutAStreamThreadDying() throws Exception {
    RunexConfig cfg = RealKafka.config(Map.of());
    try (InProcessRuntime runtime = new InProcessRuntime(cfg).startTopology();
        ResultCollector collector = new ResultCollector(cfg, runtime.topics);
        IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      runtime.startWorker(HandlerRegistry.withBuiltins());
      Set<String> threadsAtStart = runtime.topology().streamThreadNames();
      ConfluentAvroSerializer<JobRequest> avro =
          new ConfluentAvroSerializer<>(runtime.topics.registry(), false);
      String topic = runtime.topics.intake().name();
      List<Function<Integer, byte[]>> kinds = new ArrayList<>(garbage(avro, topic, new Random(42)));
      // framed like Avro (magic byte 0) but with the id of a Protobuf schema in the same registry
      int protobufId = registerProtobufSchema(cfg.string(Settings.SCHEMA_REGISTRY_URL));
      kinds.add(
          i -> ByteBuffer.allocate(9).put((byte) 0).putInt(protobufId).putInt(0x0a02_6a31).array());
      List<String> good = new ArrayList<>();
      List<String> bad = new ArrayList<>();

      for (int i = 0; i < ROUNDS; i++) {
        String id = "good-" + i;
        if (i % 2 == 0) {
          intake.json(id, echo(i));
        } else {
          intake.send(
              utf8(id),
              avro.serialize(
                  topic,
                  JobRequest.newBuilder()
                      .setType("echo")
                      .setTenant("demo")
                      .setParams(Map.of("message", "avro " + i))
                      .build()));
        }
        good.add(id);
        int kind = i % kinds.size();
        String badId = "bad-" + i + "-kind-" + kind;
        intake.send(utf8(badId), kinds.get(kind).apply(i));
        bad.add(badId);
      }
      intake.flush();

      await()
          .atMost(Duration.ofSeconds(180))
          .until(() -> good.stream().allMatch(id -> status(collector, id) == JobStatus.SUCCEEDED));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> bad.stream().allMatch(id -> status(collector, id) == JobStatus.REJECTED));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  collector.deadLetters.stream()
                      .map(ResultCollector.DeadLetterRecord::key)
                      .toList(),
              keys -> keys.containsAll(bad));

      assertThat(collector.deadLetters)
          .as("dead letters only for the bad records, each once")
          .extracting(ResultCollector.DeadLetterRecord::key)
          .doesNotHaveDuplicates()
          .allMatch(bad::contains);
      for (String id : bad) {
        assertThat(collector.only(id).getError().getCode()).as(id).isNotBlank();
      }
      assertThat(collector.results.values()).allSatisfy(list -> assertThat(list).hasSize(1));
      assertThat(runtime.topology().isRunning()).isTrue();
      assertThat(runtime.topology().streamThreadNames())
          .as("the stream threads that started are the ones running: none died")
          .isEqualTo(threadsAtStart);
    }
  }

  /** Registers a Protobuf schema through the registry's Confluent API; returns its id. */
  private static int registerProtobufSchema(String registryUrl) throws Exception {
    String body =
        "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\\n"
            + "message Garbage { string id = 1; }\\n\"}";
    HttpResponse<String> reply =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(registryUrl + "/subjects/garbage-protobuf-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return new ObjectMapper().readTree(reply.body()).path("id").asInt();
  }

  private static JobStatus status(ResultCollector c, String id) {
    JobResult r = c.only(id);
    return r == null ? null : r.getStatus();
  }

  private static String echo(int i) {
    return "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"json " + i + "\"}}";
  }

  /** One generator per kind of bad record the intake fuzzing covers; the round number varies it. */
  private static List<Function<Integer, byte[]>> garbage(
      ConfluentAvroSerializer<JobRequest> avro, String topic, Random random) {
    byte[] goodAvro =
        avro.serialize(topic, JobRequest.newBuilder().setType("echo").setTenant("demo").build());
    int schemaId = ByteBuffer.wrap(goodAvro, 1, 4).getInt();
    return List.of(
        i -> utf8(echo(i).substring(0, 1 + i % (echo(i).length() - 1))), // truncated JSON
        i -> spliced(echo(i), "json " + i, new byte[] {(byte) 0xff, (byte) 0xc0}), // invalid UTF-8
        i -> utf8("{\"type\":\"echo\",\"tenant\":" + i + "}"), // wrong type
        i -> utf8("{\"type\":\"echo\",\"type\":\"echo\",\"tenant\":\"demo\"}"), // duplicate key
        i -> utf8("{\"labels\":" + "[".repeat(600 + i) + "]".repeat(600 + i) + "}"), // deep
        i ->
            utf8(
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"+999999999-12-31T23:59:59Z\"}"),
        i -> utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"maxAttempts\":" + "9".repeat(30) + "}"),
        i -> utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"bogus\":" + i + "}"), // unknown field
        i -> { // random bytes that are neither JSON nor Avro
          byte[] b = new byte[1 + random.nextInt(200)];
          random.nextBytes(b);
          b[0] = (byte) (1 + random.nextInt(100));
          return b;
        },
        i -> Arrays.copyOf(goodAvro, 5 + i % (goodAvro.length - 5)), // truncated Avro
        i ->
            ByteBuffer.allocate(9)
                .put((byte) 0)
                .putInt(900_000 + i)
                .putInt(i)
                .array(), // unknown schema id
        i ->
            ByteBuffer.allocate(12)
                .put((byte) 0)
                .putInt(schemaId)
                .put(new byte[] {2, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1})
                .array(), // a string length of ~2 GB
        i -> utf8("[" + i + "]"), // not an object
        i -> new byte[0], // empty
        i ->
            utf8(
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\""
                    + "x".repeat(300_000)
                    + "\"}}")); // huge
  }

  private static byte[] spliced(String json, String at, byte[] bytes) {
    byte[] b = utf8(json);
    int i = json.indexOf(at);
    byte[] out = Arrays.copyOf(b, b.length + bytes.length);
    System.arraycopy(bytes, 0, out, i, bytes.length);
    System.arraycopy(b, i, out, i + bytes.length, b.length - i);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

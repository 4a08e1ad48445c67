package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runex.config.RunexConfig;
import dev.runex.connectors.webhook.WebhookSignature;
import dev.runex.launcher.it.RealKafka;
import dev.runex.launcher.it.RealPostgres;
import dev.runex.launcher.local.ConnectWorker;
import dev.runex.launcher.local.RunexHome;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.json.AvroJson;
import dev.runex.workers.HandlerRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * runex's results flowing out through a real Kafka Connect worker (a child process, from the jars
 * the build laid out) with the shipped connector configs: Debezium's JDBC sink keeps one row per
 * job in a real PostgreSQL, our webhook sink POSTs each result, signed, to a local endpoint, and a
 * failing endpoint's records land on the dead-letter topic. Both connectors read the results topic
 * through the real registry with runex's Avro converter.
 */
class ConnectorsIT {
  private static final String SECRET = "it-webhook-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tempDir;
  private static RunexConfig cfg;
  private static InProcessRuntime runtime;
  private static ResultCollector collector;
  private static RealPostgres postgres;
  private static ConnectWorker worker;
  private static ConnectRest connect;

  @BeforeAll
  static void startEverything() {
    cfg = RealKafka.config(Map.of());
    runtime = new InProcessRuntime(cfg).startTopology();
    runtime.startWorker(HandlerRegistry.withBuiltins());
    collector = new ResultCollector(cfg, runtime.topics);
    postgres = RealPostgres.start();
    worker =
        ConnectWorker.start(
            RunexHome.resolve(),
            tempDir.resolve("connect"),
            cfg.bootstrapServers(),
            0,
            Map.of("RUNEX_WEBHOOK_SECRET", SECRET, "RUNEX_JDBC_PASSWORD", postgres.password()));
    connect = new ConnectRest(worker.restUrl());
  }

  @AfterAll
  static void stopEverything() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (collector != null) {
      collector.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  @Timeout(300)
  void eachJobGetsOneRowInPostgresAndOneSignedWebhookDelivery() throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(200)) {
      connect.put("jobs-jdbc", shipped("runex-jobs-jdbc.json", "jdbc", Map.of()));
      connect.put(
          "results-webhook",
          shipped("runex-results-webhook.json", "webhook", Map.of("webhook.url", receiver.url())));
      connect.awaitRunning("jobs-jdbc");
      connect.awaitRunning("results-webhook");

      Map<String, JobStatus> expected = submitMixedJobs("row-", 12);

      // the JDBC sink: one row per job, upserted by id, matching the result runex wrote
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(() -> assertThat(rows().keySet()).containsAll(expected.keySet()));
      Map<String, Row> rows = rows();
      for (Map.Entry<String, JobStatus> e : expected.entrySet()) {
        JobResult result = collector.only(e.getKey());
        Row row = rows.get(e.getKey());
        assertThat(row.status()).as(e.getKey()).isEqualTo(e.getValue().name());
        assertThat(row.attempts()).as(e.getKey()).isEqualTo(result.getAttempts());
        assertThat(row.finishedAt()).as(e.getKey()).isEqualTo(result.getFinishedAt());
        assertThat(row.wallMs())
            .as(e.getKey())
            .isEqualTo(result.getUsage() == null ? null : result.getUsage().getWallMs());
        assertThat(row.errorCode())
            .as(e.getKey())
            .isEqualTo(result.getError() == null ? null : result.getError().getCode());
      }
      assertThat(rows.get("row-1").errorCode()).isNotNull();
      assertThat(rows.get("row-3").errorCode()).isEqualTo("UNKNOWN_TYPE");
      assertThat(rows.get("row-2").attempts()).isEqualTo(2);

      // the webhook: each result once, signed with the shared secret, its body runex's JSON
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(deliveredIds(receiver)).containsAll(expected.keySet()));
      WebhookSignature signature = new WebhookSignature(SECRET);
      Map<String, List<WebhookReceiver.Delivery>> byJob =
          receiver.deliveries.stream().collect(Collectors.groupingBy(d -> jobId(d.body())));
      for (String id : expected.keySet()) {
        assertThat(byJob.get(id)).as(id).hasSize(1);
        WebhookReceiver.Delivery d = byJob.get(id).get(0);
        assertThat(
                signature.verify(
                    d.timestamp(), d.signature(), d.body(), Instant.now(), Duration.ofMinutes(5)))
            .as("signature of " + id)
            .isTrue();
        JsonNode body = JSON.readTree(d.body());
        assertThat(body.path("status").asText()).isEqualTo(expected.get(id).name());
        // byte for byte the JSON runex writes for this result (runex.outputFormat: json)
        assertThat(new String(d.body(), StandardCharsets.UTF_8))
            .isEqualTo(new String(AvroJson.toBytes(collector.only(id)), StandardCharsets.UTF_8));
        assertThat(d.idempotencyKey()).startsWith(runtime.topics.results().name() + "-");
      }
      assertThat(receiver.deliveries.stream().map(WebhookReceiver.Delivery::idempotencyKey))
          .doesNotHaveDuplicates();
    }
  }

  @Test
  @Timeout(300)
  void resultsAnEndpointKeepsFailingGoToTheDeadLetterTopic() throws Exception {
    try (WebhookReceiver failing = new WebhookReceiver(503)) {
      String dlq = cfg.topicPrefix() + "results.webhook-dlq-failing";
      Map<String, JobStatus> expected = submitMixedJobs("dlq-", 4);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> expected.keySet().stream().allMatch(id -> collector.only(id) != null));

      connect.put(
          "failing-webhook",
          shipped(
              "runex-results-webhook.json",
              "failing",
              Map.of(
                  "webhook.url",
                  failing.url(),
                  "webhook.retry.max.retries",
                  "1",
                  "webhook.retry.backoff.ms",
                  "20",
                  "errors.deadletterqueue.topic.name",
                  dlq)));
      connect.awaitRunning("failing-webhook");

      Map<String, ConsumerRecord<String, byte[]>> dead = new HashMap<>();
      try (KafkaConsumer<String, byte[]> consumer = dlqConsumer()) {
        consumer.subscribe(List.of(dlq));
        await()
            .atMost(Duration.ofSeconds(120))
            .untilAsserted(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> dead.put(r.key(), r));
                  assertThat(dead.keySet()).containsAll(expected.keySet());
                });
      }
      for (String id : expected.keySet()) {
        ConsumerRecord<String, byte[]> r = dead.get(id);
        // the original bytes (Confluent-framed Avro) and why they are there
        assertThat(r.value()[0]).isZero();
        assertThat(header(r, "__connect.errors.exception.class.name"))
            .isEqualTo("dev.runex.connectors.webhook.WebhookDeliveryException");
        assertThat(header(r, "__connect.errors.exception.message"))
            .contains("HTTP 503")
            .contains("after 2 attempts");
        assertThat(header(r, "__connect.errors.topic")).isEqualTo(runtime.topics.results().name());
      }
      // two attempts per record, each with the same idempotency key
      Map<String, Long> attempts =
          failing.deliveries.stream()
              .filter(d -> expected.containsKey(jobId(d.body())))
              .collect(
                  Collectors.groupingBy(
                      WebhookReceiver.Delivery::idempotencyKey, Collectors.counting()));
      assertThat(attempts).hasSize(expected.size());
      assertThat(attempts.values()).containsOnly(2L);
      assertThat(connect.status("failing-webhook").path("tasks").path(0).path("state").asText())
          .isEqualTo("RUNNING");
    }
  }

  /** One of each outcome, in turn: succeeded, failed, succeeded on retry, rejected. */
  private static Map<String, JobStatus> submitMixedJobs(String prefix, int count) {
    Map<String, JobStatus> expected = new HashMap<>();
    try (IntakeClient intake = new IntakeClient(cfg, runtime.topics)) {
      for (int i = 0; i < count; i++) {
        String id = prefix + i;
        switch (i % 4) {
          case 0 -> {
            expected.put(id, JobStatus.SUCCEEDED);
            intake.json(
                id,
                "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"m" + i + "\"}}");
          }
          case 1 -> {
            expected.put(id, JobStatus.FAILED);
            intake.json(
                id, "{\"type\":\"fail\",\"tenant\":\"demo\",\"params\":{\"permanent\":true}}");
          }
          case 2 -> {
            expected.put(id, JobStatus.SUCCEEDED);
            intake.json(id, "{\"type\":\"fail\",\"tenant\":\"demo\",\"params\":{\"times\":1}}");
          }
          default -> {
            expected.put(id, JobStatus.REJECTED);
            intake.json(id, "{\"type\":\"no-such-type\",\"tenant\":\"demo\"}");
          }
        }
      }
      intake.flush();
    }
    return expected;
  }

  /** A shipped config pointed at this test's topics, registry, database and DLQ. */
  private static com.fasterxml.jackson.databind.node.ObjectNode shipped(
      String file, String dlqSuffix, Map<String, String> overrides) throws IOException {
    Map<String, String> o = new HashMap<>();
    o.put("topics", runtime.topics.results().name());
    o.put("value.converter.schema.registry.url", cfg.schemaRegistryUrl());
    o.put("connection.url", postgres.jdbcUrl());
    o.put("errors.deadletterqueue.topic.name", cfg.topicPrefix() + "results." + dlqSuffix + "-dlq");
    o.putAll(overrides);
    return ConnectRest.shippedConfig(file, o);
  }

  record Row(String status, int attempts, Instant finishedAt, Long wallMs, String errorCode) {}

  private static Map<String, Row> rows() throws SQLException {
    Map<String, Row> rows = new HashMap<>();
    try (Connection c = postgres.connect();
        Statement s = c.createStatement()) {
      if (!c.getMetaData().getTables(null, null, "runex_jobs", null).next()) {
        return rows;
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id, status, attempts, finished_at, usage_wall_ms, error_code FROM runex_jobs")) {
        while (rs.next()) {
          long wall = rs.getLong("usage_wall_ms");
          Long wallMs = rs.wasNull() ? null : wall;
          rows.put(
              rs.getString("id"),
              new Row(
                  rs.getString("status"),
                  rs.getInt("attempts"),
                  rs.getObject("finished_at", java.time.LocalDateTime.class)
                      .toInstant(java.time.ZoneOffset.UTC),
                  wallMs,
                  rs.getString("error_code")));
        }
      }
    }
    return rows;
  }

  private static Set<String> deliveredIds(WebhookReceiver receiver) {
    return receiver.deliveries.stream().map(d -> jobId(d.body())).collect(Collectors.toSet());
  }

  private static String jobId(byte[] body) {
    try {
      return JSON.readTree(body).path("id").asText();
    } catch (IOException e) {
      return "(not JSON: " + new String(body, StandardCharsets.UTF_8) + ")";
    }
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static KafkaConsumer<String, byte[]> dlqConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cfg.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "dlq-reader-" + System.nanoTime(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }
}

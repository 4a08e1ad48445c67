package dev.runex.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.connectors.webhook.ScriptedEndpoint.Response;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class WebhookSinkTaskTest {
  private static final String SECRET = "s3cret-for-tests";
  private static final Instant NOW = Instant.parse("2026-12-03T10:15:30Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Schema RESULT =
      SchemaBuilder.struct()
          .name("dev.runex.schemas.JobResult")
          .field("id", Schema.STRING_SCHEMA)
          .field("status", Schema.STRING_SCHEMA)
          .field("attempts", Schema.INT32_SCHEMA)
          .build();

  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private final Pauser recording = pauses::add;

  @Test
  void signsTheJsonBodyWithTheTimestampAndSendsTheRecordCoordinatesAsIdempotencyKey()
      throws Exception {
    try (ScriptedEndpoint endpoint = new ScriptedEndpoint(Response.of(204))) {
      RecordingContext context = new RecordingContext(true);
      WebhookSinkTask task = task(endpoint, Map.of(), context, recording);

      task.put(List.of(result("job-1", "SUCCEEDED", 42)));

      assertThat(endpoint.requests).hasSize(1);
      ScriptedEndpoint.Request req = endpoint.requests.get(0);
      assertThat(req.bodyText())
          .isEqualTo("{\"id\":\"job-1\",\"status\":\"SUCCEEDED\",\"attempts\":1}");
      assertThat(req.header("Content-Type")).isEqualTo("application/json");
      assertThat(req.header("Idempotency-Key")).isEqualTo("runex.results-2-42");
      assertThat(req.header("X-Runex-Timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
      // the signature a receiver computes independently, with nothing but the JDK
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected =
          "sha256="
              + HexFormat.of()
                  .formatHex(
                      mac.doFinal(
                          (NOW.getEpochSecond() + "." + req.bodyText())
                              .getBytes(StandardCharsets.UTF_8)));
      assertThat(req.header("X-Runex-Signature")).isEqualTo(expected);
      assertThat(
              new WebhookSignature(SECRET)
                  .verify(
                      req.header("X-Runex-Timestamp"),
                      req.header("X-Runex-Signature"),
                      req.body(),
                      NOW,
                      Duration.ofMinutes(5)))
          .isTrue();
      assertThat(context.reported).isEmpty();
      assertThat(pauses).isEmpty();
    }
  }

  @Test
  void signatureHeadersAreConfigurable() throws Exception {
    try (ScriptedEndpoint endpoint = new ScriptedEndpoint(Response.of(200))) {
      WebhookSinkTask task =
          task(
              endpoint,
              Map.of(
                  WebhookSinkConfig.SIGNATURE_HEADER, "X-Sig",
                  WebhookSinkConfig.TIMESTAMP_HEADER, "X-Sig-Time"),
              new RecordingContext(true),
              recording);

      task.put(List.of(result("job-1", "SUCCEEDED", 0)));

      ScriptedEndpoint.Request req = endpoint.requests.get(0);
      assertThat(
              new WebhookSignature(SECRET)
                  .verify(
                      req.header("X-Sig-Time"),
                      req.header("X-Sig"),
                      req.body(),
                      NOW,
                      Duration.ofSeconds(1)))
          .isTrue();
      assertThat(req.header("X-Runex-Signature")).isNull();
    }
  }

  @Test
  void retriesServerErrorsWithExponentialBackoffThenDeliversOnce() throws Exception {
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(
            Response.of(503), Response.of(500), Response.of(502), Response.of(200))) {
      RecordingContext context = new RecordingContext(true);
      WebhookSinkTask task = task(endpoint, Map.of(), context, recording);

      task.put(List.of(result("job-1", "FAILED", 7)));

      assertThat(endpoint.requests).hasSize(4);
      assertThat(pauses)
          .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(endpoint.requests)
          .extracting(r -> r.header("Idempotency-Key"))
          .containsOnly("runex.results-2-7");
      assertThat(context.reported).isEmpty();
    }
  }

  @Test
  void backoffIsCappedAtItsMaximum() throws Exception {
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(
            Response.of(500),
            Response.of(500),
            Response.of(500),
            Response.of(500),
            Response.of(200))) {
      WebhookSinkTask task =
          task(
              endpoint,
              Map.of(WebhookSinkConfig.BACKOFF_MAX_MS, "300"),
              new RecordingContext(true),
              recording);

      task.put(List.of(result("job-1", "FAILED", 7)));

      assertThat(pauses)
          .containsExactly(
              Duration.ofMillis(100),
              Duration.ofMillis(200),
              Duration.ofMillis(300),
              Duration.ofMillis(300));
    }
  }

  @Test
  void honoursRetryAfterInSeconds() throws Exception {
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(
            new Response(429, Map.of("Retry-After", "7"), "slow down"), Response.of(200))) {
      WebhookSinkTask task = task(endpoint, Map.of(), new RecordingContext(true), recording);

      task.put(List.of(result("job-1", "SUCCEEDED", 1)));

      assertThat(pauses).containsExactly(Duration.ofSeconds(7));
      assertThat(endpoint.requests).hasSize(2);
    }
  }

  @Test
  void honoursRetryAfterAsAnHttpDate() throws Exception {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(12).atZone(ZoneOffset.UTC));
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(
            new Response(503, Map.of("Retry-After", date), ""), Response.of(200))) {
      WebhookSinkTask task = task(endpoint, Map.of(), new RecordingContext(true), recording);

      task.put(List.of(result("job-1", "SUCCEEDED", 1)));

      assertThat(pauses).containsExactly(Duration.ofSeconds(12));
    }
  }

  @Test
  void reallyWaitsWhatRetryAfterAsksBeforeTheNextAttempt() throws Exception {
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(new Response(429, Map.of("Retry-After", "1"), ""), Response.of(200))) {
      WebhookSinkTask task =
          task(endpoint, Map.of(), new RecordingContext(true), Pauser.SLEEP, Clock.systemUTC());

      task.put(List.of(result("job-1", "SUCCEEDED", 1)));

      assertThat(endpoint.requests).hasSize(2);
      long gap = endpoint.requests.get(1).arrivedNanos() - endpoint.requests.get(0).arrivedNanos();
      assertThat(Duration.ofNanos(gap)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void givesUpAfterTheConfiguredRetriesAndReportsTheRecord() throws Exception {
    try (ScriptedEndpoint endpoint = new ScriptedEndpoint(Response.of(500))) {
      RecordingContext context = new RecordingContext(true);
      WebhookSinkTask task =
          task(endpoint, Map.of(WebhookSinkConfig.MAX_RETRIES, "2"), context, recording);
      SinkRecord failing = result("job-1", "FAILED", 3);
      SinkRecord next = result("job-2", "SUCCEEDED", 4);

      task.put(List.of(failing, next));

      // 3 attempts for the first record, then the second is still delivered (also failing here)
      assertThat(endpoint.requests).hasSize(6);
      assertThat(context.reported)
          .extracting(RecordingContext.Reported::record)
          .containsExactly(failing, next);
      assertThat(context.reported.get(0).error())
          .isInstanceOf(WebhookDeliveryException.class)
          .hasMessageContaining("runex.results-2-3")
          .hasMessageContaining("after 3 attempts")
          .hasMessageContaining("HTTP 500");
    }
  }

  @Test
  void aRefusalIsNotRetriedAndIsReportedWithTheEndpointsAnswer() throws Exception {
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(new Response(400, Map.of(), "unknown job type"), Response.of(200))) {
      RecordingContext context = new RecordingContext(true);
      WebhookSinkTask task = task(endpoint, Map.of(), context, recording);

      task.put(List.of(result("job-1", "FAILED", 3)));

      assertThat(endpoint.requests).hasSize(1);
      assertThat(pauses).isEmpty();
      assertThat(context.reported.get(0).error())
          .hasMessageContaining("HTTP 400")
          .hasMessageContaining("unknown job type");
    }
  }

  @Test
  void aRetryAfterBeyondTheLimitGivesUpAtOnce() throws Exception {
    try (ScriptedEndpoint endpoint =
        new ScriptedEndpoint(new Response(503, Map.of("Retry-After", "3600"), ""))) {
      RecordingContext context = new RecordingContext(true);
      WebhookSinkTask task = task(endpoint, Map.of(), context, recording);

      task.put(List.of(result("job-1", "FAILED", 3)));

      assertThat(endpoint.requests).hasSize(1);
      assertThat(pauses).isEmpty();
      assertThat(context.reported.get(0).error()).hasMessageContaining("Retry-After 3600 s");
    }
  }

  @Test
  void connectionErrorsAreRetriedThenReported() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    RecordingContext context = new RecordingContext(true);
    WebhookSinkTask task = new WebhookSinkTask(CLOCK, recording);
    task.initialize(context);
    Map<String, String> props = baseProps("http://127.0.0.1:" + closedPort + "/hook");
    props.put(WebhookSinkConfig.MAX_RETRIES, "3");
    task.start(props);

    task.put(List.of(result("job-1", "FAILED", 3)));

    assertThat(pauses)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(context.reported.get(0).error()).hasMessageContaining("ConnectException");
  }

  @Test
  void withoutAnErrantRecordReporterAFailureFailsTheTask() throws Exception {
    try (ScriptedEndpoint endpoint = new ScriptedEndpoint(Response.of(404))) {
      WebhookSinkTask task = task(endpoint, Map.of(), new RecordingContext(false), recording);

      assertThatThrownBy(() -> task.put(List.of(result("job-1", "FAILED", 3))))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("HTTP 404");
    }
  }

  @Test
  void tombstonesAreSkipped() throws Exception {
    try (ScriptedEndpoint endpoint = new ScriptedEndpoint(Response.of(200))) {
      RecordingContext context = new RecordingContext(true);
      WebhookSinkTask task = task(endpoint, Map.of(), context, recording);

      task.put(
          List.of(
              new SinkRecord("runex.results", 0, Schema.STRING_SCHEMA, "job-1", RESULT, null, 5),
              result("job-2", "SUCCEEDED", 6)));

      assertThat(endpoint.requests)
          .extracting(r -> r.header("Idempotency-Key"))
          .containsExactly("runex.results-2-6");
      assertThat(context.reported).isEmpty();
    }
  }

  private WebhookSinkTask task(
      ScriptedEndpoint endpoint,
      Map<String, String> overrides,
      RecordingContext context,
      Pauser pauser) {
    return task(endpoint, overrides, context, pauser, CLOCK);
  }

  private static WebhookSinkTask task(
      ScriptedEndpoint endpoint,
      Map<String, String> overrides,
      RecordingContext context,
      Pauser pauser,
      Clock clock) {
    WebhookSinkTask task = new WebhookSinkTask(clock, pauser);
    task.initialize(context);
    Map<String, String> props = baseProps(endpoint.url());
    props.putAll(overrides);
    task.start(props);
    return task;
  }

  private static Map<String, String> baseProps(String url) {
    Map<String, String> props = new HashMap<>();
    props.put(WebhookSinkConfig.URL, url);
    props.put(WebhookSinkConfig.SECRET, SECRET);
    props.put(WebhookSinkConfig.BACKOFF_MS, "100");
    props.put(WebhookSinkConfig.REQUEST_TIMEOUT_MS, "5000");
    return props;
  }

  private static SinkRecord result(String id, String status, long offset) {
    Struct value = new Struct(RESULT).put("id", id).put("status", status).put("attempts", 1);
    return new SinkRecord("runex.results", 2, Schema.STRING_SCHEMA, id, RESULT, value, offset);
  }
}

package dev.runex.workers.internal.execution.http;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.JobTypeSpec;
import dev.runex.schemas.Job;
import dev.runex.schemas.ReasonCode;
import dev.runex.workers.handler.DeferJobException;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.handler.RetryableJobException;
import dev.runex.workers.internal.execution.AttemptContext;
import dev.runex.workers.internal.execution.AttemptTimedOutException;
import dev.runex.workers.internal.execution.http.LocalHttpServer.Answer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The http executor against a real local HTTP server. */
@Timeout(30)
class HttpExecutorTest {
  private final LocalHttpServer server = new LocalHttpServer();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    server.close();
  }

  private JobTypeSpec type(String path, String extra) {
    String yaml =
        "runex:\n  jobTypes:\n    resize:\n      executor: http\n      tenants: [demo]\n"
            + "      params: {id: string, size: int, options: json}\n"
            + "      http:\n        url: \""
            + server.url(path)
            + "\"\n"
            + extra;
    return ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobType("resize");
  }

  private static HttpExecutor executor(JobTypeSpec type) {
    return new HttpExecutor(type, HttpExecutor.client(type), Clock.systemUTC());
  }

  private static AttemptContext ctx(Job job) {
    Instant now = Instant.now();
    return new AttemptContext(job, "w1", now, now.plusSeconds(20));
  }

  @Test
  void successReturnsTheBodyAndSendsParamsIdempotencyKeyAndTraceContext() throws Exception {
    server.answer(s -> Answer.of(200, "{\"resized\":true}"));
    JobTypeSpec type =
        type("/resize/{params.id}?size={params.size}", "        headers: {X-Api-Key: k1}\n");
    Job job =
        job("j1", "resize", Map.of("id", "a/b c?d", "size", 640L, "options", "{\"sharpen\":true}"));
    AttemptContext ctx = ctx(job);

    String out = executor(type).run(ctx);

    assertThat(out).isEqualTo("{\"resized\":true}");
    LocalHttpServer.Seen seen = server.requests.get(0);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.rawPath()).isEqualTo("/resize/a%2Fb%20c%3Fd?size=640");
    assertThat(seen.header("Idempotency-Key")).isEqualTo("j1:1");
    assertThat(seen.header("traceparent"))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
        .isEqualTo(ctx.traceParent());
    assertThat(seen.header("X-Api-Key")).isEqualTo("k1");
    assertThat(seen.header("Content-Type")).isEqualTo("application/json");
    assertThat(seen.body())
        .isEqualTo("{\"id\":\"a/b c?d\",\"options\":{\"sharpen\":true},\"size\":640}");
    assertThat(ctx.usage().getHttpStatus()).isEqualTo(200);
    assertThat(ctx.usage().getOutputTruncated()).isFalse();
  }

  @Test
  void serviceUnavailableIsRetryableNotBeforeRetryAfterSecondsOrDate() {
    Instant date = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    AtomicInteger calls = new AtomicInteger();
    server.answer(
        s ->
            new Answer(
                503,
                Map.of(
                    "Retry-After",
                    calls.incrementAndGet() == 1
                        ? "7"
                        : DateTimeFormatter.RFC_1123_DATE_TIME.format(
                            date.atOffset(ZoneOffset.UTC))),
                "busy"));
    HttpExecutor exec = executor(type("/x", ""));
    Instant before = Instant.now();

    assertThatThrownBy(() -> exec.run(ctx(job("j1", "resize", Map.of()))))
        .isInstanceOfSatisfying(
            RetryableJobException.class,
            e -> {
              assertThat(e.code()).isEqualTo("HTTP_503");
              assertThat(e.retryNotBefore())
                  .isBetween(before.plusSeconds(7), Instant.now().plusSeconds(7));
            })
        .hasMessageContaining("busy");
    assertThatThrownBy(() -> exec.run(ctx(job("j2", "resize", Map.of()))))
        .isInstanceOfSatisfying(
            RetryableJobException.class, e -> assertThat(e.retryNotBefore()).isEqualTo(date));
  }

  @Test
  void otherClientErrorsArePermanent() {
    server.answer(s -> Answer.of(400, "bad size"));

    assertThatThrownBy(() -> executor(type("/x", "")).run(ctx(job("j1", "resize", Map.of()))))
        .isInstanceOfSatisfying(
            PermanentJobException.class, e -> assertThat(e.code()).isEqualTo("HTTP_400"))
        .hasMessageContaining("bad size");
  }

  @Test
  void aSlowServiceTimesTheAttemptOut() {
    server.answer(
        s -> {
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Answer.of(200, "late");
        });
    AttemptContext ctx = ctx(job("j1", "resize", Map.of()));

    assertThatThrownBy(() -> executor(type("/x", "        timeout: 300ms\n")).run(ctx))
        .isInstanceOf(AttemptTimedOutException.class);
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.TIMED_OUT.code());
  }

  @Test
  void aBodyPastTheOutputCapIsTruncatedAndFlagged() throws Exception {
    server.answer(s -> Answer.of(200, "y".repeat(10_000)));
    AttemptContext ctx = ctx(job("j1", "resize", Map.of()));

    String out = executor(type("/x", "      limits: {output: 1KB}\n")).run(ctx);

    assertThat(out).hasSize(1024);
    assertThat(ctx.usage().getOutputBytes()).isEqualTo(10_000);
    assertThat(ctx.usage().getOutputTruncated()).isTrue();
    assertThat(ctx.usage().getLimit()).isEqualTo(ReasonCode.OUTPUT_LIMIT.code());
  }

  @Test
  void anUnreachableServiceIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String yaml =
        "runex:\n  jobTypes:\n    down:\n      executor: http\n      tenants: [demo]\n"
            + "      http: {url: \"http://127.0.0.1:"
            + closedPort
            + "/x\"}\n";
    JobTypeSpec type = ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).jobType("down");

    assertThatThrownBy(() -> executor(type).run(ctx(job("j1", "down", Map.of()))))
        .isInstanceOfSatisfying(
            RetryableJobException.class, e -> assertThat(e.code()).isEqualTo("HTTP_CONNECTION"));
  }

  @Test
  void theCircuitOpensOnFailuresDefersWithoutCallingAndClosesAfterASuccessfulProbe() {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    server.answer(
        s -> failuresLeft.getAndDecrement() > 0 ? Answer.of(503, "down") : Answer.of(200, "up"));
    HttpExecutor exec =
        executor(
            type(
                "/x",
                "        breaker: {failureRate: 50, window: 2, minCalls: 2, openFor: 500ms}\n"));

    // two failures open the breaker
    assertThatThrownBy(() -> exec.run(ctx(job("a", "resize", Map.of()))))
        .isInstanceOf(RetryableJobException.class);
    assertThatThrownBy(() -> exec.run(ctx(job("b", "resize", Map.of()))))
        .isInstanceOf(RetryableJobException.class);

    // while open: deferred, and the service is not called
    Instant now = Instant.now();
    assertThatThrownBy(() -> exec.run(ctx(job("c", "resize", Map.of()))))
        .isInstanceOfSatisfying(DeferJobException.class, e -> assertThat(e.until()).isAfter(now));
    assertThat(server.requests).hasSize(2);

    // after openFor, one probe goes through; its success closes the breaker
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .ignoreException(DeferJobException.class)
        .untilAsserted(
            () -> assertThat(exec.run(ctx(job("d", "resize", Map.of())))).isEqualTo("up"));
    assertThat(server.requests).hasSize(3);
    assertThat(executorState(exec)).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  private static CircuitBreaker.State executorState(HttpExecutor exec) {
    return exec.breakerState();
  }

  @Test
  void retryAfterReadsSecondsAndDatesAndIgnoresGarbage() {
    Instant now = Instant.parse("2030-01-01T00:00:00Z");

    assertThat(RetryAfter.parse("120", now)).contains(now.plusSeconds(120));
    assertThat(RetryAfter.parse("Tue, 01 Jan 2030 00:01:00 GMT", now))
        .contains(now.plusSeconds(60));
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
    assertThat(RetryAfter.parse("Mon, 31 Dec 2029 23:00:00 GMT", now)).as("already past").isEmpty();
    assertThat(RetryAfter.parse(null, now)).isEmpty();
  }
}

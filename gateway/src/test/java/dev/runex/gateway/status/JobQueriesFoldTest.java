package dev.runex.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.Problem;
import dev.runex.gateway.intake.RecentSubmissions;
import dev.runex.gateway.intake.ResultWaiter;
import dev.runex.schemas.json.AvroJson;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Status and result reads of a job whose status trails what the gateway knows, against a stand-in
 * status API over HTTP: it does not know job {@code j1} for its first three requests, then has it
 * SCHEDULED for three more, then SUCCEEDED.
 */
class JobQueriesFoldTest {
  private static final Caller ACME = new Caller.Tenant("acme-key", "acme");
  private static final Caller GLOBEX = new Caller.Tenant("globex-key", "globex");

  private final AtomicInteger asked = new AtomicInteger();
  private final RecentSubmissions submitted = new RecentSubmissions();
  private final Map<String, ResultWaiter.Seen> results = new ConcurrentHashMap<>();
  private final Map<String, FoldWait.Sighting> events = new ConcurrentHashMap<>();
  private final AtomicInteger crossingChecks = new AtomicInteger();
  private HttpServer server;
  private URI base;
  private JobQueries queries;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/jobs/",
        exchange -> {
          int n =
              exchange.getRequestURI().getPath().equals("/jobs/j1") ? asked.incrementAndGet() : 0;
          String body =
              n == 0 || n <= 3
                  ? "{\"error\":\"unknown job\"}"
                  : n <= 6
                      ? "{\"jobId\":\"j1\",\"tenant\":\"acme\",\"state\":\"SCHEDULED\",\"terminal\":false}"
                      : "{\"jobId\":\"j1\",\"tenant\":\"acme\",\"state\":\"SUCCEEDED\",\"terminal\":true}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(n == 0 || n <= 3 ? 404 : 200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    queries = new JobQueries(new StatusClient(base), null, foldWait(Duration.ofSeconds(10)), null);
  }

  private FoldWait foldWait(Duration wait) {
    return new FoldWait(
        submitted,
        id -> Optional.ofNullable(results.get(id)),
        id -> Optional.ofNullable(events.get(id)),
        wait,
        Clock.systemUTC());
  }

  /**
   * Queries whose barrier is crossed at its {@code crossesAt}-th check (never: 0), when {@code
   * onCrossing} runs first (what the gateway has read by then).
   */
  private JobQueries withBarrier(Duration wait, int crossesAt, Runnable onCrossing) {
    JobQueries.ReadBarrier barrier =
        () ->
            () -> {
              int n = crossingChecks.incrementAndGet();
              if (n == crossesAt) {
                onCrossing.run();
              }
              return crossesAt > 0 && n >= crossesAt;
            };
    return new JobQueries(new StatusClient(base), null, foldWait(wait), barrier);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theStatusOfAJobJustSubmittedIsAnsweredOnceFolded() {
    submitted.accepted("j1", "acme", Instant.now());

    assertThat(queries.status(ACME, "j1").path("state").asText()).isEqualTo("SCHEDULED");
    assertThat(asked).hasValue(4);
  }

  @Test
  void theStatusOfAJobWrittenElsewhereIsAnsweredOnceFoldedWhenItsLifecycleRecordWasRead() {
    // written through another gateway replica or straight to Kafka; the topology received it
    events.put("j1", new FoldWait.Sighting("acme", Instant.now()));

    assertThat(queries.status(ACME, "j1").path("state").asText()).isEqualTo("SCHEDULED");
    assertThat(asked).hasValue(4);
  }

  @Test
  void withoutTheSubmissionA404IsAnsweredAtOnce() {
    assertThatThrownBy(() -> queries.status(ACME, "j1"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThat(asked).hasValue(1);
  }

  @Test
  void aJobWrittenThroughAnotherReplicaAndNotReadByTheTopologyYetIsWaitedForUntilTheCrossing() {
    // the topology reads it from intake during the crossing, this gateway its lifecycle record
    JobQueries q =
        withBarrier(
            Duration.ofSeconds(10),
            2,
            () -> events.put("j1", new FoldWait.Sighting("acme", Instant.now())));

    assertThat(q.status(ACME, "j1").path("state").asText()).isEqualTo("SCHEDULED");
    assertThat(asked).as("asked while crossing, then until folded").hasValue(4);
  }

  @Test
  void anUnknownJobIsAnsweredOnceTheCrossingShowsNothingWasWritten() {
    JobQueries q = withBarrier(Duration.ofSeconds(10), 2, () -> {});

    assertThatThrownBy(() -> q.status(ACME, "j1"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThat(asked).as("once, and again when the crossing was not made at once").hasValue(2);
    assertThat(crossingChecks).hasValue(2);
  }

  @Test
  void anotherTenantsJobWaitsForTheCrossingAsAnUnknownOneDoesAndIsNotFound() {
    JobQueries q =
        withBarrier(
            Duration.ofSeconds(10),
            2,
            () -> events.put("j1", new FoldWait.Sighting("acme", Instant.now())));

    assertThatThrownBy(() -> q.status(GLOBEX, "j1"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThat(asked).as("as many asks as for an unknown job").hasValue(2);
  }

  @Test
  void aCrossingMadeAtOnceIsNotWaitedFor() {
    JobQueries q = withBarrier(Duration.ofSeconds(10), 1, () -> {});

    assertThatThrownBy(() -> q.status(ACME, "j1"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThat(asked).hasValue(1);
  }

  @Test
  void aCrossingNotMadeWithinTheFoldWaitIsAnswered404() {
    JobQueries q = withBarrier(Duration.ofMillis(300), 0, () -> {});
    long start = System.nanoTime();

    // j2: the status API never knows it
    assertThatThrownBy(() -> q.status(ACME, "j2"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(crossingChecks).hasValueGreaterThan(1);
  }

  @Test
  void aSubmissionOlderThanTheWaitIsNotWaitedFor() {
    submitted.accepted("j1", "acme", Instant.now().minusSeconds(11));

    assertThatThrownBy(() -> queries.status(ACME, "j1")).isInstanceOf(Problem.class);
    assertThat(asked).hasValue(1);
  }

  @Test
  void anotherTenantIsAnsweredAtOnceAsForAnUnknownJob() {
    submitted.accepted("j1", "acme", Instant.now());

    assertThatThrownBy(() -> queries.status(GLOBEX, "j1"))
        .isInstanceOfSatisfying(Problem.class, p -> assertThat(p.status()).isEqualTo(404));
    assertThat(asked).hasValue(1);
  }

  @Test
  void theResultJustReadIsAnsweredOnceTheStatusIsFinal() {
    // the gateway returned this result to POST ?wait a moment ago
    submitted.accepted("j1", "acme", Instant.now());
    results.put("j1", new ResultWaiter.Seen(result(), Instant.now()));

    Optional<JsonNode> r = queries.result(ACME, "j1");

    assertThat(r).get().extracting(n -> n.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(asked).hasValue(7);
  }

  @Test
  void withoutAResultReadANotFinalStatusMeansNoResultYet() {
    submitted.accepted("j1", "acme", Instant.now());

    assertThat(queries.result(ACME, "j1")).isEmpty();
    assertThat(asked).as("waited for the fold, not for the end").hasValue(4);
  }

  private static JsonNode result() {
    return AvroJson.MAPPER
        .createObjectNode()
        .put("id", "j1")
        .put("tenant", "acme")
        .put("status", "SUCCEEDED");
  }
}

package dev.runex.launcher.e2e;

import static dev.runex.launcher.e2e.ConsoleFixture.ACME_KEY;
import static dev.runex.launcher.e2e.ConsoleFixture.GLOBEX_KEY;
import static dev.runex.launcher.e2e.ConsoleFixture.OPS_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.launcher.e2e.GatewayClient.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's HTTP API against the real runtime, with two tenant keys and an operator key: who
 * may do what (401 without a key, another tenant's job is 404), and each endpoint group — jobs,
 * control, schedules, dead letters, overview, audit, health.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class GatewayApiIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private ConsoleFixture fx;
  private GatewayClient http;

  @BeforeAll
  void start() {
    fx = new ConsoleFixture();
    http = fx.http;
  }

  @AfterAll
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void refusesRequestsWithoutAKnownKeyAndServesTheOpenEndpoints() {
    Answer none = http.get("/api/v1/jobs", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).startsWith("application/problem+json");
    assertThat(none.code()).isEqualTo("UNAUTHORIZED");
    assertThat(http.get("/api/v1/overview", "not-a-key").status()).isEqualTo(401);
    assertThat(http.post("/api/v1/jobs", "not-a-key", "{}").status()).isEqualTo(401);

    assertThat(http.get("/health/live", null).status()).isEqualTo(200);
    assertThat(http.get("/health/ready", null).body().path("status").asText()).isEqualTo("UP");
    assertThat(http.get("/openapi.yaml", null).text()).contains("openapi: 3.0.3", "/api/v1/jobs");
    assertThat(http.get("/metrics", null).text()).contains("runex_gateway_requests");
    assertThat(http.get("/api/v1/no-such-thing", OPS_KEY).status()).isEqualTo(404);
  }

  @Test
  void submitsForTheKeysTenantAndWaitsForTheResult() {
    // when
    Answer waited =
        http.post(
            "/api/v1/jobs?wait=30s",
            ACME_KEY,
            "{\"type\":\"echo\",\"params\":{\"message\":\"hi\"}}");

    // then
    assertThat(waited.status()).as(waited.text()).isEqualTo(200);
    JsonNode result = waited.body().path("result");
    assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(result.path("tenant").asText()).isEqualTo("acme");
    assertThat(result.path("id").asText()).isEqualTo(waited.body().path("jobId").asText());

    Answer accepted = http.post("/api/v1/jobs", GLOBEX_KEY, "{\"type\":\"echo\",\"params\":{}}");
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.body().path("jobId").asText()).isNotBlank();

    // refusals, each with its reason code, and nothing written
    assertProblem(
        http.post("/api/v1/jobs", ACME_KEY, "{\"type\":\"echo\",\"tenant\":\"globex\"}"),
        403,
        "TENANT_NOT_PERMITTED");
    assertProblem(
        http.post("/api/v1/jobs", ACME_KEY, "{\"type\":\"echo\",\"colour\":\"red\"}"),
        400,
        "UNKNOWN_FIELD");
    assertProblem(http.post("/api/v1/jobs", ACME_KEY, "{\"type\":\"nope\"}"), 422, "UNKNOWN_TYPE");
    assertProblem(
        http.post("/api/v1/jobs", ACME_KEY, "{\"type\":\"sleep\",\"params\":{}}"),
        422,
        "PARAM_MISSING");
    assertProblem(http.post("/api/v1/jobs", ACME_KEY, "{not json"), 400, "MALFORMED_JSON");
    assertProblem(http.post("/api/v1/jobs", OPS_KEY, "{\"type\":\"echo\"}"), 422, "INVALID_FIELD");
    byte[] huge =
        ("{\"type\":\"echo\",\"params\":{\"message\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    assertProblem(http.postBytes("/api/v1/jobs", ACME_KEY, huge), 413, "TOO_LARGE");
    // a body far beyond what the gateway would discard, announced first: refused before it is sent
    assertProblem(http.announce("/api/v1/jobs", ACME_KEY, 64L * 1024 * 1024), 413, "TOO_LARGE");
  }

  @Test
  void aBatchIsCheckedJobByJob() {
    Answer a =
        http.post(
            "/api/v1/jobs/batch",
            ACME_KEY,
            "{\"jobs\":[{\"type\":\"echo\",\"params\":{\"message\":\"1\"}},{\"type\":\"nope\"},"
                + "{\"type\":\"echo\",\"params\":{\"message\":\"3\"}}]}");

    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.body().path("accepted").asInt()).isEqualTo(2);
    assertThat(a.body().path("refused").asInt()).isEqualTo(1);
    assertThat(a.body().path("jobs").get(1).path("problem").path("code").asText())
        .isEqualTo("UNKNOWN_TYPE");
    String first = a.body().path("jobs").get(0).path("jobId").asText();
    await().atMost(WAIT).until(() -> "SUCCEEDED".equals(state(ACME_KEY, first)));
    assertProblem(
        http.post("/api/v1/jobs/batch", ACME_KEY, "{\"jobs\":[],\"x\":1}"), 400, "UNKNOWN_FIELD");
  }

  @Test
  void aTenantKeySeesAndListsItsOwnJobsOnly() {
    // given
    String label = "run-" + UUID.randomUUID().toString().substring(0, 8);
    Instant before = Instant.now().minusSeconds(1);
    String id =
        http.post(
                "/api/v1/jobs?wait=30s",
                ACME_KEY,
                "{\"type\":\"echo\",\"params\":{\"message\":\"mine\"},\"labels\":{\"team\":\""
                    + label
                    + "\"}}")
            .body()
            .path("jobId")
            .asText();

    // then: its owner and operators see it at once (statuses may trail the result a moment: the
    // gateway waits for the fold of a job it has just written), and the result too; the other
    // tenant gets 404, as for an unknown id
    assertThat(http.get("/api/v1/jobs/" + id, ACME_KEY).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/jobs/" + id + "/result", ACME_KEY).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/jobs/" + id, OPS_KEY).status()).isEqualTo(200);
    assertProblem(http.get("/api/v1/jobs/" + id, GLOBEX_KEY), 404, "NOT_FOUND");
    assertProblem(http.get("/api/v1/jobs/" + id + "/result", GLOBEX_KEY), 404, "NOT_FOUND");
    assertProblem(http.get("/api/v1/jobs/no-such-job", ACME_KEY), 404, "NOT_FOUND");

    await()
        .atMost(WAIT)
        .until(() -> http.get("/api/v1/jobs/" + id + "/result", ACME_KEY).status() == 200);
    Answer result = http.get("/api/v1/jobs/" + id + "/result", ACME_KEY);
    assertThat(result.body().path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(result.body().path("output").asText()).contains("mine");
    List<String> kinds = new ArrayList<>();
    http.get("/api/v1/jobs/" + id + "/transitions", ACME_KEY)
        .body()
        .path("transitions")
        .forEach(t -> kinds.add(t.path("kind").asText()));
    assertThat(kinds)
        .containsSubsequence("RECEIVED", "VALIDATED", "SCHEDULED", "STARTED", "SUCCEEDED");

    // listing: by label and time range, scoped to the key's tenant
    await()
        .atMost(WAIT)
        .until(() -> ids(http.get("/api/v1/jobs?label=team=" + label, ACME_KEY)).contains(id));
    assertThat(
            ids(
                http.get(
                    "/api/v1/jobs?label=team=" + label + "&submittedFrom=" + before, ACME_KEY)))
        .containsExactly(id);
    assertThat(
            ids(http.get("/api/v1/jobs?label=team=" + label + "&submittedTo=" + before, ACME_KEY)))
        .isEmpty();
    assertThat(ids(http.get("/api/v1/jobs?label=team=" + label, OPS_KEY))).containsExactly(id);
    assertThat(ids(http.get("/api/v1/jobs?label=team=" + label, GLOBEX_KEY))).isEmpty();
    assertThat(ids(http.get("/api/v1/jobs?limit=1000", GLOBEX_KEY))).doesNotContain(id);
    assertProblem(http.get("/api/v1/jobs?tenant=acme", GLOBEX_KEY), 403, "TENANT_NOT_PERMITTED");
    assertProblem(http.get("/api/v1/jobs?state=SLEEPY", ACME_KEY), 400, "BAD_PARAMETER");
  }

  @Test
  void aJobWrittenThroughOneReplicaIsFoundThroughAnotherBeforeTheTopologyHasReadIt()
      throws Exception {
    GatewayClient replica = new GatewayClient(fx.replica.url());
    String id = "across-" + UUID.randomUUID();
    CompletableFuture<Answer> read;
    fx.runtime.topology().holdJobs(true);
    try {
      // given: written through the first replica; the topology reads nothing from intake
      Answer accepted =
          http.post(
              "/api/v1/jobs",
              ACME_KEY,
              "{\"id\":\"" + id + "\",\"type\":\"echo\",\"params\":{\"message\":\"x\"}}");
      assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);

      // when: read through the other replica, which did not write it
      read = CompletableFuture.supplyAsync(() -> replica.get("/api/v1/jobs/" + id, ACME_KEY));

      // then: it waits for the topology to read intake as far as it reached, not answering 404
      Thread.sleep(1_000);
      assertThat(read).as("answered while the topology had not read the job").isNotDone();
    } finally {
      fx.runtime.topology().holdJobs(false);
    }
    Answer status = read.get(30, TimeUnit.SECONDS);
    assertThat(status.status()).as(status.text()).isEqualTo(200);
    assertThat(status.body().path("jobId").asText()).isEqualTo(id);

    // an id never written: 404 once the replica knows the topology has read all intake
    assertProblem(replica.get("/api/v1/jobs/never-" + id, ACME_KEY), 404, "NOT_FOUND");
    // another tenant's job through the replica: as for an unknown id
    assertProblem(replica.get("/api/v1/jobs/" + id, GLOBEX_KEY), 404, "NOT_FOUND");
  }

  @Test
  void cancelPauseAndResumeWithinTheKeysScope() {
    // cancel: own job yes, another tenant's job is not found
    String delayed =
        http.post("/api/v1/jobs", ACME_KEY, "{\"type\":\"echo\",\"delay\":\"PT10M\",\"params\":{}}")
            .body()
            .path("jobId")
            .asText();
    await().atMost(WAIT).until(() -> "DELAYED".equals(state(ACME_KEY, delayed)));
    assertProblem(
        http.post("/api/v1/jobs/" + delayed + "/cancel", GLOBEX_KEY, ""), 404, "NOT_FOUND");
    Answer cancel =
        http.post("/api/v1/jobs/" + delayed + "/cancel", ACME_KEY, "{\"reason\":\"not needed\"}");
    assertThat(cancel.status()).as(cancel.text()).isEqualTo(202);
    assertThat(cancel.body().path("target").asText()).isEqualTo("job:" + delayed);
    await().atMost(WAIT).until(() -> "CANCELLED".equals(state(ACME_KEY, delayed)));

    // pause: a tenant its own tenant only; types and pools are for operators
    assertThat(
            http.post("/api/v1/tenants/acme/pause", ACME_KEY, "{\"reason\":\"deploy\"}").status())
        .isEqualTo(202);
    assertThat(pauses(ACME_KEY)).contains("tenant:acme");
    assertThat(pauses(GLOBEX_KEY)).doesNotContain("tenant:acme");
    assertThat(pauses(OPS_KEY)).contains("tenant:acme");
    assertProblem(http.post("/api/v1/tenants/globex/pause", ACME_KEY, ""), 404, "NOT_FOUND");
    assertProblem(http.post("/api/v1/pools/default/pause", ACME_KEY, ""), 403, "OPERATOR_ONLY");
    assertProblem(http.post("/api/v1/types/echo/pause", GLOBEX_KEY, ""), 403, "OPERATOR_ONLY");
    assertProblem(http.post("/api/v1/pools/nope/pause", OPS_KEY, ""), 404, "NOT_FOUND");
    assertProblem(
        http.post("/api/v1/tenants/acme/pause", ACME_KEY, "{\"why\":1}"), 400, "UNKNOWN_FIELD");
    assertThat(http.post("/api/v1/types/sleep/pause", OPS_KEY, "").status()).isEqualTo(202);
    assertThat(pauses(GLOBEX_KEY))
        .as("a type's pause holds every tenant's jobs")
        .contains("type:sleep");
    assertThat(http.post("/api/v1/types/sleep/resume", OPS_KEY, "").status()).isEqualTo(202);
    assertThat(http.post("/api/v1/tenants/acme/resume", ACME_KEY, "").status()).isEqualTo(202);
    assertThat(pauses(OPS_KEY)).doesNotContain("tenant:acme", "type:sleep");

    // schedules: each tenant its own, with next fire times; pausing one
    List<String> acmeSchedules =
        names(http.get("/api/v1/schedules", ACME_KEY).body().path("schedules"));
    assertThat(acmeSchedules).containsExactly("nightly-acme");
    assertThat(names(http.get("/api/v1/schedules", OPS_KEY).body().path("schedules")))
        .contains("nightly-acme", "nightly-globex");
    JsonNode nightly = http.get("/api/v1/schedules", ACME_KEY).body().path("schedules").get(0);
    assertThat(nightly.path("nextFireTimes")).hasSize(3);
    assertThat(nightly.path("nextFireTimes").get(0).asText()).endsWith("T02:00:00Z");
    assertProblem(
        http.post("/api/v1/schedules/nightly-acme/pause", GLOBEX_KEY, ""), 404, "NOT_FOUND");
    assertThat(http.post("/api/v1/schedules/nightly-acme/pause", ACME_KEY, "").status())
        .isEqualTo(202);
    assertThat(
            http.get("/api/v1/schedules", ACME_KEY)
                .body()
                .path("schedules")
                .get(0)
                .path("paused")
                .asBoolean())
        .isTrue();
    assertThat(http.post("/api/v1/schedules/nightly-acme/resume", ACME_KEY, "").status())
        .isEqualTo(202);

    // every action is in the audit trail, each tenant sees its own
    List<String> acmeAudit = actions(http.get("/api/v1/audit", ACME_KEY));
    assertThat(acmeAudit).contains("control.cancel", "control.pause", "control.resume");
    JsonNode opsAudit = http.get("/api/v1/audit", OPS_KEY).body().path("records");
    assertThat(opsAudit.findValuesAsText("actor")).contains("acme-ci", "ops");
    assertThat(
            http.get("/api/v1/audit", GLOBEX_KEY).body().path("records").findValuesAsText("actor"))
        .doesNotContain("acme-ci");
  }

  @Test
  void deadLettersAreScopedSearchableAndReplayedPacedWithADryRunAndAnAudit() throws Exception {
    // given: an execution dead letter (acme), an intake one naming acme, and garbage with no tenant
    fx.inventory.down.set(true);
    String order = "order-" + UUID.randomUUID().toString().substring(0, 8);
    Answer failed =
        http.post(
            "/api/v1/jobs?wait=60s",
            ACME_KEY,
            "{\"id\":\"" + order + "\",\"type\":\"reserve\",\"params\":{\"sku\":\"A-1\"}}");
    assertThat(failed.body().path("result").path("status").asText())
        .as(failed.text())
        .isEqualTo("FAILED");
    try (IntakeClient intake = new IntakeClient(fx.cfg, fx.runtime.topics)) {
      intake.json("bad-" + order, "{\"type\":\"sleep\",\"tenant\":\"acme\",\"params\":{}}");
      intake.json("garbage-" + order, "this is not a job " + order);
      intake.flush();
    }
    await()
        .atMost(WAIT)
        .until(() -> total(http.get("/api/v1/dead-letters?text=" + order, OPS_KEY)) == 3);

    // then: scoped
    assertThat(total(http.get("/api/v1/dead-letters?text=" + order, ACME_KEY))).isEqualTo(2);
    assertThat(total(http.get("/api/v1/dead-letters?text=" + order, GLOBEX_KEY))).isZero();
    assertProblem(
        http.get("/api/v1/dead-letters?tenant=acme", GLOBEX_KEY), 403, "TENANT_NOT_PERMITTED");
    // searched by code, stage, text and time
    assertThat(
            total(http.get("/api/v1/dead-letters?text=" + order + "&code=PARAM_MISSING", ACME_KEY)))
        .isEqualTo(1);
    assertThat(total(http.get("/api/v1/dead-letters?text=" + order + "&stage=execution", ACME_KEY)))
        .isEqualTo(1);
    assertThat(total(http.get("/api/v1/dead-letters?text=unavailable&tenant=acme", OPS_KEY)))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            total(
                http.get(
                    "/api/v1/dead-letters?text=" + order + "&from=" + Instant.now().plusSeconds(60),
                    OPS_KEY)))
        .isZero();
    // shown with the original bytes as text
    String garbageRef = ref(http.get("/api/v1/dead-letters?text=garbage-" + order, OPS_KEY));
    Answer garbage = http.get("/api/v1/dead-letters/" + garbageRef, OPS_KEY);
    assertThat(garbage.body().path("originalText").asText())
        .isEqualTo("this is not a job " + order);
    assertProblem(http.get("/api/v1/dead-letters/" + garbageRef, ACME_KEY), 404, "NOT_FOUND");
    String orderRef = ref(http.get("/api/v1/dead-letters?stage=execution&text=" + order, ACME_KEY));
    assertThat(
            http.get("/api/v1/dead-letters/" + orderRef, ACME_KEY)
                .body()
                .path("deadLetter")
                .path("job")
                .path("id")
                .asText())
        .isEqualTo(order);

    // dry runs say how many and which, and change nothing
    Answer dry =
        http.post(
            "/api/v1/dead-letters/replay",
            ACME_KEY,
            "{\"filter\":{\"text\":\"" + order + "\"},\"dryRun\":true,\"limit\":1,\"rate\":2}");
    assertThat(dry.status()).as(dry.text()).isEqualTo(200);
    assertThat(dry.body().path("count").asInt()).isEqualTo(1);
    assertThat(dry.body().path("matched").asInt()).isEqualTo(2);
    assertThat(dry.body().path("deadLetters")).hasSize(1);
    assertThat(
            http.post(
                    "/api/v1/dead-letters/replay",
                    OPS_KEY,
                    "{\"filter\":{\"text\":\"" + order + "\"},\"dryRun\":true}")
                .body()
                .path("count")
                .asInt())
        .isEqualTo(3);
    assertProblem(
        http.post(
            "/api/v1/dead-letters/replay",
            ACME_KEY,
            "{\"refs\":[\"" + garbageRef + "\"],\"dryRun\":true}"),
        404,
        "NOT_FOUND");
    assertProblem(
        http.post(
            "/api/v1/dead-letters/replay",
            ACME_KEY,
            "{\"refs\":[\"" + orderRef + "\"],\"speed\":3}"),
        400,
        "UNKNOWN_FIELD");
    assertThat(state(ACME_KEY, order)).isEqualTo("FAILED");

    // replay for real, paced: the job runs again and succeeds
    fx.inventory.down.set(false);
    Answer started =
        http.post(
            "/api/v1/dead-letters/replay",
            ACME_KEY,
            "{\"refs\":[\"" + orderRef + "\"],\"rate\":5}");
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    String replayId = started.body().path("replayId").asText();
    await()
        .atMost(WAIT)
        .until(
            () ->
                "DONE"
                    .equals(
                        http.get("/api/v1/replays/" + replayId, ACME_KEY)
                            .body()
                            .path("state")
                            .asText()));
    assertThat(
            http.get("/api/v1/replays/" + replayId, ACME_KEY).body().path("jobIds").get(0).asText())
        .isEqualTo(order);
    assertProblem(http.get("/api/v1/replays/" + replayId, GLOBEX_KEY), 404, "NOT_FOUND");
    await().atMost(WAIT).until(() -> "SUCCEEDED".equals(state(ACME_KEY, order)));
    await()
        .atMost(WAIT)
        .until(
            () ->
                "SUCCEEDED"
                    .equals(
                        http.get("/api/v1/jobs/" + order + "/result", ACME_KEY)
                            .body()
                            .path("status")
                            .asText()));

    // audited: who replayed what and when
    JsonNode audit = http.get("/api/v1/audit", OPS_KEY).body().path("records");
    JsonNode replay = null;
    for (JsonNode r : audit) {
      if ("dead-letter.replay".equals(r.path("action").asText())
          && replayId.equals(r.path("replayId").asText())) {
        replay = r;
      }
    }
    assertThat(replay).as("audit record of replay %s in %s", replayId, audit).isNotNull();
    assertThat(replay.path("actor").asText()).isEqualTo("acme-ci");
    assertThat(replay.path("tenant").asText()).isEqualTo("acme");
    assertThat(replay.path("count").asInt()).isEqualTo(1);
    assertThat(replay.path("items").get(0).path("jobId").asText()).isEqualTo(order);
    assertThat(replay.path("time").asText()).isNotBlank();
  }

  @Test
  void theOverviewShowsTheBacklogToOperatorsAndTenantFiguresToTenants() {
    http.post("/api/v1/jobs?wait=30s", GLOBEX_KEY, "{\"type\":\"echo\",\"params\":{}}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                pool(http.get("/api/v1/overview", OPS_KEY), "default").path("backlog").size() == 3);
    JsonNode ops = pool(http.get("/api/v1/overview", OPS_KEY), "default");
    assertThat(ops.path("backlog").findValuesAsText("priority"))
        .containsExactly("high", "normal", "low");
    JsonNode tenant = pool(http.get("/api/v1/overview", GLOBEX_KEY), "default");
    assertThat(tenant.path("backlog")).isEmpty();
    await()
        .atMost(WAIT)
        .until(
            () ->
                pool(http.get("/api/v1/overview", GLOBEX_KEY), "default")
                        .path("finishedPerSecond")
                        .asDouble()
                    > 0);
  }

  private static void assertProblem(Answer a, int status, String code) {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(a.contentType()).as(a.text()).startsWith("application/problem+json");
    assertThat(a.code()).as(a.text()).isEqualTo(code);
  }

  private String state(String key, String id) {
    Answer a = http.get("/api/v1/jobs/" + id, key);
    return a.status() == 200 ? a.body().path("state").asText() : "HTTP " + a.status();
  }

  private List<String> pauses(String key) {
    return http.get("/api/v1/pauses", key).body().path("pauses").findValuesAsText("target");
  }

  private static List<String> ids(Answer a) {
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body().path("jobs").findValuesAsText("jobId");
  }

  private static List<String> names(JsonNode list) {
    return list.findValuesAsText("name");
  }

  private static List<String> actions(Answer a) {
    return a.body().path("records").findValuesAsText("action");
  }

  private static int total(Answer a) {
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.body().path("total").asInt();
  }

  private static String ref(Answer a) {
    assertThat(a.body().path("deadLetters")).as(a.text()).isNotEmpty();
    return a.body().path("deadLetters").get(0).path("ref").asText();
  }

  private static JsonNode pool(Answer a, String name) {
    for (JsonNode p : a.body().path("pools")) {
      if (name.equals(p.path("pool").asText())) {
        return p;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}

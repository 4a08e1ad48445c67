package dev.runex.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.Problem;
import dev.runex.schemas.json.AvroJson;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks a submission passes before anything is written (no producer is needed for them). */
class JobSubmitterTest {
  private static final RunexConfig CFG =
      ConfigLoader.fromYaml(
          """
          runex:
            jobTypes:
              echo: {tenants: [acme, globex], allowUnknownParams: true}
              sleep: {tenants: [acme], params: {ms: {type: int, required: true}}}
          """,
          Map.of(),
          Map.of());
  private final JobSubmitter submitter = new JobSubmitter(CFG, null, "runex.intake");
  private final Caller acme = new Caller.Tenant("acme-ci", "acme");
  private final Caller ops = new Caller.Operator("ops");

  @Test
  void aTenantKeysJobCarriesItsTenantAndGetsAnId() throws Exception {
    JobSubmitter.Prepared p =
        submitter.prepare(acme, bytes("{\"type\":\"echo\",\"params\":{\"a\":1}}"));

    JsonNode written = AvroJson.MAPPER.readTree(p.value());
    assertThat(written.path("tenant").asText()).isEqualTo("acme");
    assertThat(written.path("id").asText()).isEqualTo(p.jobId()).isNotBlank();
    assertThat(written.path("params").path("a").asInt()).isEqualTo(1);
  }

  @Test
  void keepsTheIdItWasGivenAndAnOperatorNamesTheTenant() {
    JobSubmitter.Prepared p =
        submitter.prepare(ops, bytes("{\"id\":\"j-1\",\"type\":\"echo\",\"tenant\":\"globex\"}"));

    assertThat(p.jobId()).isEqualTo("j-1");
  }

  @Test
  void refusesWhatIntakeWouldRefuseWithItsReasonCode() {
    assertProblem(
        () -> submitter.prepare(acme, bytes("{\"type\":\"echo\",\"tenant\":\"globex\"}")),
        403,
        "TENANT_NOT_PERMITTED");
    assertProblem(
        () -> submitter.prepare(acme, bytes("{\"type\":\"echo\",\"extra\":1}")),
        400,
        "UNKNOWN_FIELD");
    assertProblem(
        () -> submitter.prepare(acme, bytes("{\"type\":\"echo\",\"type\":\"echo\"}")),
        400,
        "MALFORMED_JSON");
    assertProblem(
        () -> submitter.prepare(acme, bytes("{\"type\":\"sleep\",\"params\":{}}")),
        422,
        "PARAM_MISSING");
    assertProblem(() -> submitter.prepare(acme, bytes("{\"type\":\"nope\"}")), 422, "UNKNOWN_TYPE");
    assertProblem(() -> submitter.prepare(ops, bytes("{\"type\":\"echo\"}")), 422, "INVALID_FIELD");
    assertProblem(
        () -> submitter.prepare(acme, new byte[] {0, 0, 0, 0, 1, 2}), 400, "UNSUPPORTED_ENCODING");
  }

  private static void assertProblem(Runnable call, int status, String code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            Problem.class,
            p -> {
              assertThat(p.status()).as(p.getMessage()).isEqualTo(status);
              assertThat(p.code()).as(p.getMessage()).isEqualTo(code);
            });
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

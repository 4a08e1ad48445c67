package dev.runex.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ReasonCodeTest {
  @Test
  void codesOnTheWireAreTheConstantsNamesAndStayAsTheyWere() {
    // a reason code is part of the wire format: consumers match on it, so a rename must fail here
    assertThat(Arrays.stream(ReasonCode.values()).map(ReasonCode::code))
        .containsExactlyInAnyOrder(
            "EMPTY",
            "TOO_LARGE",
            "MALFORMED_JSON",
            "UNSUPPORTED_ENCODING",
            "UNKNOWN_SCHEMA_ID",
            "MALFORMED_AVRO",
            "UNKNOWN_FIELD",
            "BAD_FIELD",
            "INVALID_FIELD",
            "UNKNOWN_TYPE",
            "TENANT_NOT_ALLOWED",
            "PRIORITY_NOT_ALLOWED",
            "PAYLOAD_TOO_LARGE",
            "TIMEOUT_TOO_LONG",
            "ATTEMPTS_TOO_MANY",
            "LIMIT_TOO_HIGH",
            "PARAM_MISSING",
            "PARAM_TYPE",
            "PARAM_UNKNOWN",
            "DUPLICATE",
            "EXPIRED",
            "CANCELLED",
            "HANDLER_ERROR",
            "TIMEOUT",
            "PERMANENT_FAILURE",
            "PARAM_INVALID",
            "OUTPUT_TOO_LARGE",
            "UNKNOWN_HANDLER",
            "MEMORY_BUDGET_EXCEEDED",
            "UNDECODABLE",
            "ABANDONED",
            "SANDBOX_UNAVAILABLE",
            "MEMORY_LIMIT",
            "CPU_LIMIT",
            "PIDS_LIMIT",
            "FILE_SIZE_LIMIT",
            "TIMED_OUT",
            "OUTPUT_LIMIT",
            "HTTP_CONNECTION",
            "BAD_URL",
            "FAIL_REQUESTED");
    for (ReasonCode c : ReasonCode.values()) {
      assertThat(c.code()).isEqualTo(c.name());
    }
  }

  @Test
  void usageLimitsAreTheLimitCodesOfResourceUsage() {
    assertThat(ReasonCode.limitCodes())
        .containsExactlyInAnyOrder(
            "TIMED_OUT",
            "MEMORY_LIMIT",
            "CPU_LIMIT",
            "PIDS_LIMIT",
            "FILE_SIZE_LIMIT",
            "OUTPUT_LIMIT",
            "CANCELLED");
  }

  @Test
  void familiesBuildTheirCodesFromTheNumber() {
    assertThat(ReasonCode.Family.EXIT.code(3)).isEqualTo("EXIT_3");
    assertThat(ReasonCode.Family.SIGNAL.code(9)).isEqualTo("SIGNAL_9");
    assertThat(ReasonCode.Family.HTTP.code(503)).isEqualTo("HTTP_503");
    assertThat(ReasonCode.Family.HTTP.pattern()).isEqualTo("HTTP_<status>");
  }

  @Test
  void everyCodeSaysWhereItComesFromAndWhatItMeansInOneSentenceLine() {
    for (ReasonCode c : ReasonCode.values()) {
      assertThat(c.stages()).as(c.name()).isNotEmpty();
      assertThat(c.description()).as(c.name()).endsWith(".").doesNotContain("\n", "|", "<");
    }
  }
}

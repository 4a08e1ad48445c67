package dev.runex.workers.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceContextTest {

  @Test
  void attemptsOfOneJobShareATraceButNotASpan() {
    String first = TraceContext.traceParent("job-1", 1, null);
    String second = TraceContext.traceParent("job-1", 2, null);

    assertThat(first).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(first.substring(3, 35)).isEqualTo(second.substring(3, 35));
    assertThat(first.substring(36, 52)).isNotEqualTo(second.substring(36, 52));
    assertThat(TraceContext.traceParent("job-1", 1, null))
        .as("stable when the attempt reruns")
        .isEqualTo(first);
    assertThat(TraceContext.traceParent("job-2", 1, null).substring(3, 35))
        .isNotEqualTo(first.substring(3, 35));
  }

  @Test
  void continuesAValidInboundTraceAndIgnoresAnInvalidOne() {
    String inbound = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    assertThat(TraceContext.traceParent("job-1", 1, inbound))
        .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-")
        .endsWith("-00");
    assertThat(TraceContext.traceParent("job-1", 1, "garbage"))
        .isEqualTo(TraceContext.traceParent("job-1", 1, null));
    assertThat(
            TraceContext.traceParent(
                "job-1", 1, "00-00000000000000000000000000000000-00f067aa0ba902b7-01"))
        .as("an all-zero trace id is invalid")
        .isEqualTo(TraceContext.traceParent("job-1", 1, null));
  }
}

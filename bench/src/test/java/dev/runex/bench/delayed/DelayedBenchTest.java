package dev.runex.bench.delayed;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DelayedBenchTest {

  @Test
  void aDelayedRequestCarriesItsDueTimeAsNotBefore() {
    assertThat(DelayedBench.request(1_700_000_000_123L))
        .isEqualTo(
            "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"d\"},"
                + "\"notBefore\":1700000000123}");
  }

  @Test
  void anImmediateRequestHasNoDueTime() {
    assertThat(DelayedBench.request(null)).doesNotContain("notBefore").endsWith("}}");
  }
}

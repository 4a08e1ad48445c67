package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitingCountsTest {
  @Test
  void countsPerTenantTypeAndRankAndForgetsEmptyQueues() {
    // given
    WaitingCounts counts = new WaitingCounts(3);
    counts.add("acme", "echo", 0);
    counts.add("acme", "echo", 2);
    counts.add("acme", "resize", 1);

    // when
    counts.remove("acme", "resize", 1);

    // then
    assertThat(counts.of("acme", "echo")).isEqualTo(2);
    assertThat(counts.has("acme", "echo", 1)).isFalse();
    assertThat(counts.has("acme", "echo", 2)).isTrue();
    assertThat(counts.types("acme")).containsExactly("echo");
    assertThat(counts.tenants()).containsExactly("acme");
  }

  @Test
  void removingWhatIsNotThereChangesNothing() {
    // given
    WaitingCounts counts = new WaitingCounts(3);
    counts.add("acme", "echo", 1);

    // when
    counts.remove("acme", "echo", 0);
    counts.remove("demo", "echo", 1);

    // then
    assertThat(counts.of("acme", "echo")).isEqualTo(1);
    assertThat(counts.tenants()).containsExactly("acme");
  }

  @Test
  void theLastRemovalEmptiesTheTenant() {
    // given
    WaitingCounts counts = new WaitingCounts(3);
    counts.add("acme", "echo", 1);

    // when
    counts.remove("acme", "echo", 1);

    // then
    assertThat(counts.isEmpty()).isTrue();
    assertThat(counts.types("acme")).isEmpty();
  }
}

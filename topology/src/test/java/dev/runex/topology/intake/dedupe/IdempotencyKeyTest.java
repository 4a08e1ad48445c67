package dev.runex.topology.intake.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

  @Test
  void encodingNeverMixesUpTenantAndKeyBoundaries() {
    // given two pairs whose plain concatenation with the separator would be equal
    IdempotencyKey one = new IdempotencyKey("a/b", "c");
    IdempotencyKey other = new IdempotencyKey("a", "b/c");

    // then
    assertThat(one.encoded()).isNotEqualTo(other.encoded());
    assertThat(one.encoded()).isEqualTo("3:a/b/c");
  }
}

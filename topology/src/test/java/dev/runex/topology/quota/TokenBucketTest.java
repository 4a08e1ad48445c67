package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.QuotaLimit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final QuotaLimit TWO_PER_SECOND = new QuotaLimit(0, 2.0, 3);

  @Test
  void aNewBucketIsFull() {
    // when
    TokenBucket bucket = TokenBucket.decode(null, TWO_PER_SECOND, 1_000);

    // then
    assertThat(bucket.available(TWO_PER_SECOND, 1_000)).isEqualTo(3.0);
  }

  @Test
  void refillsAtTheRateAndSurvivesItsEncoding() {
    // given
    TokenBucket bucket = TokenBucket.full(TWO_PER_SECOND, 1_000);
    bucket.take();
    bucket.take();
    bucket.take();

    // when: stored and read back a quarter of a second later
    TokenBucket read = TokenBucket.decode(bucket.encode(), TWO_PER_SECOND, 1_250);

    // then
    assertThat(read.available(TWO_PER_SECOND, 1_250)).isEqualTo(0.5);
    assertThat(read.available(TWO_PER_SECOND, 1_500)).isEqualTo(1.0);
  }

  @Test
  void aLoweredBurstCapsWhatIsLeft() {
    // given
    TokenBucket bucket = TokenBucket.full(TWO_PER_SECOND, 1_000);

    // when
    double left = bucket.available(new QuotaLimit(0, 2.0, 1), 1_000);

    // then
    assertThat(left).isEqualTo(1.0);
  }

  @Test
  void anUnreadableStateStartsFull() {
    // when
    TokenBucket bucket = TokenBucket.decode("x;y", TWO_PER_SECOND, 1_000);

    // then
    assertThat(bucket.available(TWO_PER_SECOND, 1_000)).isEqualTo(3.0);
  }
}

package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.config.Quotas;
import dev.runex.config.Quotas.Block;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quota decision alone: in-flight counts and token buckets, no Kafka. */
class QuotaPolicyTest {
  private static final long T0 = 1_000_000L;
  private static final Block NONE = new Block(null, null, null, Map.of());

  private final Map<String, String> buckets = new HashMap<>();

  @Test
  void aTenantAtItsMaxInFlightIsBlockedUntilASlotIsReleased() {
    // given
    QuotaPolicy policy = policy(Map.of("acme", new Block(2, null, null, Map.of())));
    policy.admit("acme", "echo", T0);
    policy.admit("acme", "resize", T0);

    // when
    String blocked = policy.blockedBy("acme", "echo", T0);
    policy.release("acme", "resize");

    // then
    assertThat(blocked).isEqualTo("tenant acme has 2 jobs in flight (maxInFlight)");
    assertThat(policy.blockedBy("acme", "echo", T0)).isNull();
    assertThat(policy.inFlight("acme")).isEqualTo(1);
  }

  @Test
  void aTypeAtItsOwnLimitDoesNotBlockTheTenantsOtherTypes() {
    // given
    QuotaPolicy policy =
        policy(
            Map.of(
                "acme",
                new Block(null, null, null, Map.of("resize", new Block(1, null, null, Map.of())))));

    // when
    policy.admit("acme", "resize", T0);

    // then
    assertThat(policy.blockedBy("acme", "resize", T0))
        .isEqualTo("tenant acme has 1 resize jobs in flight (maxInFlight)");
    assertThat(policy.blockedBy("acme", "echo", T0)).isNull();
    assertThat(policy.inFlight("acme", "resize")).isEqualTo(1);
    assertThat(policy.inFlight("acme", "echo")).isZero();
  }

  @Test
  void tenantsNeverShareCounts() {
    // given
    QuotaPolicy policy = policy(Map.of("acme", new Block(1, null, null, Map.of())));

    // when
    policy.admit("acme", "echo", T0);

    // then
    assertThat(policy.blockedBy("acme", "echo", T0)).isNotNull();
    assertThat(policy.blockedBy("demo", "echo", T0)).isNull();
  }

  @Test
  void slotsHeldBeforeARestartCountWithoutChargingTokens() {
    // given: one in flight allowed, rate 1/s with a burst of 1
    QuotaPolicy policy = policy(Map.of("acme", new Block(1, 1.0, 1, Map.of())));

    // when
    policy.restore("acme", "echo");

    // then: the slot counts; the bucket was not touched
    assertThat(policy.inFlight("acme")).isEqualTo(1);
    assertThat(buckets).isEmpty();
    policy.release("acme", "echo");
    assertThat(policy.blockedBy("acme", "echo", T0)).isNull();
  }

  @Test
  void theRateAdmitsBurstsThenRefillsOverTime() {
    // given: 2 per second, bursts of 3
    QuotaPolicy policy = policy(Map.of("acme", new Block(null, 2.0, 3, Map.of())));

    // when: the burst is spent at once
    for (int i = 0; i < 3; i++) {
      assertThat(policy.blockedBy("acme", "echo", T0)).isNull();
      policy.admit("acme", "echo", T0);
    }

    // then: blocked until half a second has brought one token back
    assertThat(policy.blockedBy("acme", "echo", T0))
        .isEqualTo("tenant acme is over its rate of 2.0/s");
    assertThat(policy.blockedBy("acme", "echo", T0 + 499)).isNotNull();
    assertThat(policy.blockedBy("acme", "echo", T0 + 500)).isNull();
  }

  @Test
  void aLongQuietSpellRefillsOnlyUpToTheBurst() {
    // given
    QuotaPolicy policy = policy(Map.of("acme", new Block(null, 2.0, 3, Map.of())));
    for (int i = 0; i < 3; i++) {
      policy.admit("acme", "echo", T0);
    }

    // when: an hour later, four admitted in the same instant
    long later = T0 + 3_600_000;
    int admitted = 0;
    while (policy.blockedBy("acme", "echo", later) == null) {
      policy.admit("acme", "echo", later);
      admitted++;
    }

    // then
    assertThat(admitted).isEqualTo(3);
  }

  @Test
  void aTypeRateIsChargedToItsOwnBucket() {
    // given: resize at 1/s (burst 1), the tenant itself unlimited
    QuotaPolicy policy =
        policy(
            Map.of(
                "acme",
                new Block(null, null, null, Map.of("resize", new Block(null, 1.0, 1, Map.of())))));

    // when
    policy.admit("acme", "resize", T0);

    // then
    assertThat(policy.blockedBy("acme", "resize", T0))
        .isEqualTo("tenant acme is over its resize rate of 1.0/s");
    assertThat(policy.blockedBy("acme", "echo", T0)).isNull();
    assertThat(buckets).containsOnlyKeys(QuotaPolicy.bucketKey("acme", "resize"));
    assertThat(QuotaPolicy.bucketKey("acme", "resize")).isEqualTo("acme\u0000resize");
  }

  @Test
  void anUnlimitedTenantIsNeverBlockedAndUsesNoBucket() {
    // given
    QuotaPolicy policy = policy(Map.of());

    // when
    for (int i = 0; i < 100; i++) {
      policy.admit("demo", "echo", T0);
    }

    // then
    assertThat(policy.blockedBy("demo", "echo", T0)).isNull();
    assertThat(buckets).isEmpty();
  }

  private QuotaPolicy policy(Map<String, Block> tenants) {
    return new QuotaPolicy(
        new Quotas(NONE, tenants),
        new QuotaPolicy.BucketStates() {
          @Override
          public String get(String key) {
            return buckets.get(key);
          }

          @Override
          public void put(String key, String state) {
            buckets.put(key, state);
          }
        });
  }
}

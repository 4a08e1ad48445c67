package dev.runex.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotasTest {
  private static final String TYPES =
      """
      runex:
        jobTypes:
          echo: {tenants: [acme, demo]}
          render: {tenants: [acme, demo]}
      """;

  private static Quotas quotas(String block) {
    return ConfigLoader.fromYaml(TYPES + block, Map.of(), Map.of()).quotas();
  }

  @Test
  void noQuotasBlockMeansNoTenantIsGated() {
    Quotas q = ConfigLoader.fromYaml(TYPES, Map.of(), Map.of()).quotas();

    assertThat(q.isEmpty()).isTrue();
    assertThat(q.gated("acme", "echo")).isFalse();
    assertThat(q.tenant("acme")).isEqualTo(QuotaLimit.NONE);
  }

  @Test
  void tenantBlocksInheritEachMissingKeyFromTheDefaultBlock() {
    Quotas q =
        quotas(
            """
          quotas:
            default:
              maxInFlight: 10
              rate: 2.5
              jobTypes:
                render: {maxInFlight: 2}
            tenants:
              acme:
                maxInFlight: 50
                jobTypes:
                  render: {rate: 1}
        """);

    assertThat(q.isEmpty()).isFalse();
    assertThat(q.tenant("acme")).isEqualTo(new QuotaLimit(50, 2.5, 3));
    assertThat(q.tenant("someone-else")).isEqualTo(new QuotaLimit(10, 2.5, 3));
    assertThat(q.tenantType("acme", "render")).isEqualTo(new QuotaLimit(2, 1.0, 1));
    assertThat(q.tenantType("demo", "render")).isEqualTo(new QuotaLimit(2, 0, 0));
    assertThat(q.tenantType("demo", "echo")).isEqualTo(QuotaLimit.NONE);
    assertThat(q.gated("demo", "echo")).isTrue();
  }

  @Test
  void aTypeOnlyQuotaGatesThatTypeOnly() {
    Quotas q =
        quotas(
            """
          quotas:
            tenants:
              acme:
                jobTypes:
                  render: {maxInFlight: 1}
        """);

    assertThat(q.gated("acme", "render")).isTrue();
    assertThat(q.gated("acme", "echo")).isFalse();
    assertThat(q.gated("demo", "render")).isFalse();
  }

  @Test
  void zeroMeansUnlimitedAndCanLiftAnInheritedLimit() {
    Quotas q =
        quotas(
            """
          quotas:
            default: {maxInFlight: 5}
            tenants:
              acme: {maxInFlight: 0}
        """);

    assertThat(q.tenant("acme")).isEqualTo(QuotaLimit.NONE);
    assertThat(q.tenant("demo").maxInFlight()).isEqualTo(5);
  }

  @Test
  void badQuotaBlocksNameTheKeyAndTheValue() {
    assertThatThrownBy(
            () ->
                quotas(
                    """
          quotas:
            tenants:
              acme: {maxInFlight: -1}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("runex.quotas.tenants.acme.maxInFlight")
        .hasMessageContaining("-1");
    assertThatThrownBy(
            () ->
                quotas(
                    """
          quotas:
            tenants:
              acme: {rate: fast}
        """))
        .hasMessageContaining("runex.quotas.tenants.acme.rate")
        .hasMessageContaining("fast");
    assertThatThrownBy(
            () ->
                quotas(
                    """
          quotas:
            default: {rate: 1, burst: 0}
        """))
        .hasMessageContaining("runex.quotas.default.burst");
    assertThatThrownBy(
            () ->
                quotas(
                    """
          quotas:
            tenants:
              acme: {jobTypes: {paint: {maxInFlight: 1}}}
        """))
        .hasMessageContaining(
            "runex.quotas.tenants.acme.jobTypes.paint is not a declared job type");
    assertThatThrownBy(
            () ->
                quotas(
                    """
          quotas:
            tenants:
              acme: {maxInflight: 1}
        """))
        .hasMessageContaining("unknown setting runex.quotas.tenants.acme.maxInflight");
    assertThatThrownBy(
            () ->
                quotas(
                    """
          quotas:
            tenant: {}
        """))
        .hasMessageContaining("unknown setting runex.quotas.tenant");
  }
}

package dev.runex.config;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenant quotas from {@code runex.quotas}: a {@code default} block for every tenant and per-tenant
 * blocks under {@code tenants.<name>}, each with tenant-wide limits and per-job-type limits ({@code
 * jobTypes.<type>}). A tenant's block inherits, key by key, what it does not set from the default
 * block (also per job type). Built by {@link QuotaParser}; lookups are cached.
 */
public final class Quotas {
  public static final Quotas NONE = new Quotas(Block.EMPTY, Map.of());

  /** One block as written: null fields are not set here. */
  public record Block(
      Integer maxInFlight, Double rate, Integer burst, Map<String, Block> jobTypes) {
    static final Block EMPTY = new Block(null, null, null, Map.of());

    Block type(String type) {
      return jobTypes.getOrDefault(type, EMPTY);
    }

    /** This block's keys, falling back to {@code fallback}'s (job types are not merged here). */
    Block over(Block fallback) {
      return new Block(
          maxInFlight != null ? maxInFlight : fallback.maxInFlight,
          rate != null ? rate : fallback.rate,
          burst != null ? burst : fallback.burst,
          Map.of());
    }

    QuotaLimit resolve() {
      int max = maxInFlight == null ? 0 : maxInFlight;
      double perSecond = rate == null ? 0 : rate;
      int tokens =
          perSecond <= 0 ? 0 : burst != null ? burst : (int) Math.max(1, Math.ceil(perSecond));
      return max == 0 && perSecond == 0 ? QuotaLimit.NONE : new QuotaLimit(max, perSecond, tokens);
    }
  }

  private final Block defaults;
  private final Map<String, Block> tenants;
  private final Map<String, QuotaLimit> cache = new ConcurrentHashMap<>();
  private final boolean empty;

  public Quotas(Block defaults, Map<String, Block> tenants) {
    this.defaults = Objects.requireNonNull(defaults);
    this.tenants = Map.copyOf(tenants);
    this.empty = computeEmpty();
  }

  /** True when no tenant has any quota: every job skips the quota gate. */
  public boolean isEmpty() {
    return empty;
  }

  private boolean computeEmpty() {
    return defaults.resolve().isNone()
        && defaults.jobTypes().values().stream().allMatch(b -> b.resolve().isNone())
        && tenants.values().stream()
            .allMatch(
                t ->
                    t.over(defaults).resolve().isNone()
                        && t.jobTypes().values().stream().allMatch(b -> b.resolve().isNone()));
  }

  /** The tenant-wide limit (all of the tenant's job types together). */
  public QuotaLimit tenant(String tenant) {
    return cache.computeIfAbsent("t\u0000" + tenant, k -> block(tenant).over(defaults).resolve());
  }

  /** The limit on one job type of one tenant. */
  public QuotaLimit tenantType(String tenant, String type) {
    return cache.computeIfAbsent(
        "tt\u0000" + tenant + '\u0000' + type,
        k -> block(tenant).type(type).over(defaults.type(type)).resolve());
  }

  /**
   * True when jobs of this tenant and type are subject to any quota (and so pass the quota gate).
   */
  public boolean gated(String tenant, String type) {
    return !empty && (!tenant(tenant).isNone() || !tenantType(tenant, type).isNone());
  }

  private Block block(String tenant) {
    return tenants.getOrDefault(tenant, Block.EMPTY);
  }

  @Override
  public String toString() {
    return "Quotas{default=" + defaults + ", tenants=" + tenants + "}";
  }
}

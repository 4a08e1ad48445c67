package dev.runex.topology.quota;

import dev.runex.config.QuotaLimit;
import dev.runex.config.Quotas;
import java.util.HashMap;
import java.util.Map;

/**
 * The quota decision, free of Kafka: whether a job of a tenant and type may be admitted now, and
 * what admitting and releasing it changes. Counts every admitted job without a final result ({@code
 * maxInFlight}, per tenant and per tenant × type) and charges one token per admitted attempt from
 * each rate-limited {@link TokenBucket} (per tenant and per tenant × type).
 *
 * <p>The in-flight counts live here, in memory: the quota gate rebuilds them from its in-flight
 * store when its task starts ({@link #restore}). The buckets live in {@link BucketStates} (the
 * gate's changelogged store), keyed by {@link #bucketKey(String)} and {@link #bucketKey(String,
 * String)}.
 */
final class QuotaPolicy {
  private static final char SEP = '\u0000';

  /** Where token-bucket states are kept, as text ({@link TokenBucket#encode()}). */
  interface BucketStates {
    String get(String key);

    void put(String key, String state);
  }

  private record TenantType(String tenant, String type) {}

  private final Quotas quotas;
  private final BucketStates buckets;
  private final Map<String, Integer> byTenant = new HashMap<>();
  private final Map<TenantType, Integer> byTenantType = new HashMap<>();

  QuotaPolicy(Quotas quotas, BucketStates buckets) {
    this.quotas = quotas;
    this.buckets = buckets;
  }

  /** Why a job of {@code tenant} and {@code type} may not be admitted now, or null when it may. */
  String blockedBy(String tenant, String type, long now) {
    QuotaLimit t = quotas.tenant(tenant);
    QuotaLimit tt = quotas.tenantType(tenant, type);
    if (t.limitsInFlight() && inFlight(tenant) >= t.maxInFlight()) {
      return "tenant " + tenant + " has " + t.maxInFlight() + " jobs in flight (maxInFlight)";
    }
    if (tt.limitsInFlight() && inFlight(tenant, type) >= tt.maxInFlight()) {
      return "tenant "
          + tenant
          + " has "
          + tt.maxInFlight()
          + " "
          + type
          + " jobs in flight (maxInFlight)";
    }
    if (t.limitsRate() && bucket(bucketKey(tenant), t, now).available(t, now) < 1) {
      return "tenant " + tenant + " is over its rate of " + t.ratePerSecond() + "/s";
    }
    if (tt.limitsRate() && bucket(bucketKey(tenant, type), tt, now).available(tt, now) < 1) {
      return "tenant " + tenant + " is over its " + type + " rate of " + tt.ratePerSecond() + "/s";
    }
    return null;
  }

  /** Admits a job: one token from each of its rate-limited buckets, one more in flight. */
  void admit(String tenant, String type, long now) {
    take(bucketKey(tenant), quotas.tenant(tenant), now);
    take(bucketKey(tenant, type), quotas.tenantType(tenant, type), now);
    count(tenant, type, 1);
  }

  /** Counts a job admitted before the task (re)started: in flight, no token charged again. */
  void restore(String tenant, String type) {
    count(tenant, type, 1);
  }

  /** A job admitted earlier finished its attempt: one fewer in flight. */
  void release(String tenant, String type) {
    count(tenant, type, -1);
  }

  int inFlight(String tenant) {
    return byTenant.getOrDefault(tenant, 0);
  }

  int inFlight(String tenant, String type) {
    return byTenantType.getOrDefault(new TenantType(tenant, type), 0);
  }

  /** The bucket store key of a tenant's own rate. */
  static String bucketKey(String tenant) {
    return tenant;
  }

  /** The bucket store key of a tenant's rate for one job type: {@code tenant␀type}. */
  static String bucketKey(String tenant, String type) {
    return tenant + SEP + type;
  }

  private TokenBucket bucket(String key, QuotaLimit limit, long now) {
    return TokenBucket.decode(buckets.get(key), limit, now);
  }

  private void take(String key, QuotaLimit limit, long now) {
    if (limit.limitsRate()) {
      TokenBucket b = bucket(key, limit, now);
      b.available(limit, now);
      b.take();
      buckets.put(key, b.encode());
    }
  }

  private void count(String tenant, String type, int delta) {
    byTenant.merge(tenant, delta, (a, b) -> a + b <= 0 ? null : a + b);
    byTenantType.merge(new TenantType(tenant, type), delta, (a, b) -> a + b <= 0 ? null : a + b);
  }
}

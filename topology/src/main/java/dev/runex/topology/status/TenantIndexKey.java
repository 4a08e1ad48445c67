package dev.runex.topology.status;

/**
 * Keys of the {@code job-status-by-tenant} index: {@code <tenant length>:<tenant>/<job id>}. All of
 * one tenant's jobs share a prefix and sort by job id within it, so a listing pages through them
 * with a range scan; the length prefix keeps tenants from overlapping whatever characters they use.
 */
final class TenantIndexKey {
  private TenantIndexKey() {}

  static String prefix(String tenant) {
    return tenant.length() + ":" + tenant + "/";
  }

  static String of(String tenant, String jobId) {
    return prefix(tenant) + jobId;
  }

  static String jobId(String key, String tenant) {
    return key.substring(prefix(tenant).length());
  }
}

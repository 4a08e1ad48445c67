package dev.runex.topology.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How many jobs wait in the quota gate per tenant, job type and priority rank: derived from the
 * gate's waiting store (rebuilt from it when the task starts), so the gate knows which tenants to
 * look at and never looks into an empty rank.
 */
final class WaitingCounts {
  private final int ranks;
  private final Map<String, Map<String, int[]>> byTenant = new TreeMap<>();

  WaitingCounts(int ranks) {
    this.ranks = ranks;
  }

  void add(String tenant, String type, int rank) {
    byTenant.computeIfAbsent(tenant, t -> new TreeMap<>())
        .computeIfAbsent(type, t -> new int[ranks])[rank]++;
  }

  void remove(String tenant, String type, int rank) {
    Map<String, int[]> types = byTenant.get(tenant);
    int[] counts = types == null ? null : types.get(type);
    if (counts == null || counts[rank] == 0) {
      return;
    }
    counts[rank]--;
    if (total(counts) == 0) {
      types.remove(type);
      if (types.isEmpty()) {
        byTenant.remove(tenant);
      }
    }
  }

  /** Jobs of {@code tenant} and {@code type} waiting, all ranks. */
  int of(String tenant, String type) {
    Map<String, int[]> types = byTenant.get(tenant);
    int[] counts = types == null ? null : types.get(type);
    return counts == null ? 0 : total(counts);
  }

  boolean has(String tenant, String type, int rank) {
    Map<String, int[]> types = byTenant.get(tenant);
    int[] counts = types == null ? null : types.get(type);
    return counts != null && counts[rank] > 0;
  }

  /**
   * The job types of {@code tenant} with waiting jobs (a live view: do not change counts while
   * iterating).
   */
  Set<String> types(String tenant) {
    Map<String, int[]> types = byTenant.get(tenant);
    return types == null ? Set.of() : types.keySet();
  }

  /** Tenants with waiting jobs, a copy. */
  List<String> tenants() {
    return new ArrayList<>(byTenant.keySet());
  }

  boolean isEmpty() {
    return byTenant.isEmpty();
  }

  private static int total(int[] counts) {
    int n = 0;
    for (int c : counts) {
      n += c;
    }
    return n;
  }
}

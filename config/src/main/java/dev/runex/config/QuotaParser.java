package dev.runex.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Parses {@code runex.quotas}; errors name the key and the bad value. */
public final class QuotaParser {
  /** Every key of a quota block with its documentation; the parser accepts exactly these. */
  public static final Map<String, String> KEY_DOCS =
      docs(
          "maxInFlight",
          "At most this many of the tenant's jobs admitted and not finished (queued in scheduled.<pool> "
              + "or running; a job waiting to retry frees its slot). 0 or unset: no limit.",
          "rate",
          "Token bucket: jobs (attempts) admitted per second, a decimal (0.5 = one every 2 s). 0 or unset: no "
              + "rate limit.",
          "burst",
          "Token bucket size: attempts admitted at once after a quiet spell (default: rate rounded up, at "
              + "least 1).",
          "jobTypes.<type>.maxInFlight",
          "The same limits for one job type of the tenant, on top of the tenant-wide ones.",
          "jobTypes.<type>.rate",
          "Per-type token bucket rate.",
          "jobTypes.<type>.burst",
          "Per-type token bucket size.");

  private static final Set<String> KEYS = Set.of("maxInFlight", "rate", "burst", "jobTypes");
  private static final Set<String> TYPE_KEYS = Set.of("maxInFlight", "rate", "burst");

  private QuotaParser() {}

  /**
   * Parses the {@code runex.quotas} mapping ({@code default}, {@code tenants}); job types must be
   * declared.
   */
  public static Quotas parse(JsonNode n, Map<String, JobTypeSpec> jobTypes) {
    String p = "runex.quotas";
    if (n == null || n.isNull()) {
      return Quotas.NONE;
    }
    if (!n.isObject()) {
      throw new ConfigException(p + " must be a mapping with default and/or tenants");
    }
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!k.equals("default") && !k.equals("tenants")) {
                throw new ConfigException(
                    "unknown setting " + p + "." + k + " (expected default or tenants)");
              }
            });
    Quotas.Block defaults =
        n.has("default") ? block(p + ".default", n.get("default"), jobTypes, true) : null;
    Map<String, Quotas.Block> tenants = new LinkedHashMap<>();
    JsonNode t = n.get("tenants");
    if (t != null && !t.isNull()) {
      if (!t.isObject()) {
        throw new ConfigException(p + ".tenants must be a mapping of tenant name to quota block");
      }
      t.fields()
          .forEachRemaining(
              e ->
                  tenants.put(
                      e.getKey(),
                      block(p + ".tenants." + e.getKey(), e.getValue(), jobTypes, true)));
    }
    return new Quotas(
        defaults == null ? new Quotas.Block(null, null, null, Map.of()) : defaults, tenants);
  }

  private static Quotas.Block block(
      String p, JsonNode n, Map<String, JobTypeSpec> jobTypes, boolean withTypes) {
    if (n == null || !n.isObject()) {
      throw new ConfigException(
          p + " must be a mapping (maxInFlight, rate, burst" + (withTypes ? ", jobTypes)" : ")"));
    }
    Set<String> allowed = withTypes ? KEYS : TYPE_KEYS;
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!allowed.contains(k)) {
                throw new ConfigException("unknown setting " + p + "." + k);
              }
            });
    Integer max =
        n.hasNonNull("maxInFlight")
            ? nonNegativeInt(p + ".maxInFlight", n.get("maxInFlight"))
            : null;
    Double rate = null;
    if (n.hasNonNull("rate")) {
      JsonNode r = n.get("rate");
      if (!r.isNumber()
          || r.doubleValue() < 0
          || Double.isNaN(r.doubleValue())
          || Double.isInfinite(r.doubleValue())) {
        throw new ConfigException(
            p + ".rate must be a number >= 0 (jobs per second), was '" + r.asText() + "'");
      }
      rate = r.doubleValue();
    }
    Integer burst = n.hasNonNull("burst") ? nonNegativeInt(p + ".burst", n.get("burst")) : null;
    if (burst != null && burst == 0) {
      throw new ConfigException(p + ".burst must be at least 1, was 0");
    }
    Map<String, Quotas.Block> types = new LinkedHashMap<>();
    JsonNode tn = n.get("jobTypes");
    if (tn != null && !tn.isNull()) {
      if (!tn.isObject()) {
        throw new ConfigException(p + ".jobTypes must be a mapping of job type to quota block");
      }
      tn.fields()
          .forEachRemaining(
              e -> {
                if (!jobTypes.containsKey(e.getKey())) {
                  throw new ConfigException(
                      p
                          + ".jobTypes."
                          + e.getKey()
                          + " is not a declared job type "
                          + jobTypes.keySet());
                }
                types.put(
                    e.getKey(),
                    block(p + ".jobTypes." + e.getKey(), e.getValue(), jobTypes, false));
              });
    }
    return new Quotas.Block(max, rate, burst, Collections.unmodifiableMap(types));
  }

  private static int nonNegativeInt(String key, JsonNode v) {
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
      throw new ConfigException(key + " must be a whole number >= 0, was '" + v.asText() + "'");
    }
    return v.intValue();
  }

  private static Map<String, String> docs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return Collections.unmodifiableMap(m);
  }
}

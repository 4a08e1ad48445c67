package dev.runex.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Parses one {@code runex.schedules.<name>} block; errors name the key and the bad value. */
public final class ScheduleParser {
  /** Every key of a schedule block with its documentation; the parser accepts exactly these. */
  public static final Map<String, String> KEY_DOCS =
      docs(
          "cron",
              "When it fires: 6 fields (second minute hour day-of-month month day-of-week) or 5 (no seconds); "
                  + "*, a-b, */n, a,b, JAN-DEC, SUN-SAT. Required.",
          "zone", "Time zone the cron fields are read in, e.g. Europe/Paris (default: UTC).",
          "overlap",
              "skip (default), allow or buffer: a firing while the previous firing's job has no result yet is "
                  + "dropped, runs anyway, or (one) waits for that result.",
          "catchUp",
              "last (default), none or all: firings missed while the topology was down fire once, not at all, "
                  + "or each (at most 100).",
          "job.type", "Job type each firing submits. Required.",
          "job.tenant", "Tenant it submits as (must be allowed by the type). Required.",
          "job.params", "Parameters, validated like a request's.",
          "job.labels", "Labels (runex.schedule and runex.scheduledFor are added).",
          "job.timeout", "Per-attempt timeout (default: the type's).",
          "job.maxAttempts", "Attempts (default: the type's).",
          "job.partitionKey", "Partition key (default: each firing's own job id).");

  private static final Set<String> KEYS = Set.of("cron", "zone", "overlap", "catchUp", "job");
  private static final Set<String> JOB_KEYS =
      Set.of("type", "tenant", "params", "labels", "timeout", "maxAttempts", "partitionKey");

  private ScheduleParser() {}

  /** Parses one schedule block named {@code name}; its job type must be among {@code jobTypes}. */
  public static ScheduleSpec parse(String name, JsonNode n, Map<String, JobTypeSpec> jobTypes) {
    String p = "runex.schedules." + name;
    checkKeys(p, n, KEYS);
    String cronText = n.path("cron").asText("");
    CronExpression cron;
    try {
      cron = CronExpression.parse(cronText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          p + ".cron is not a cron expression: " + e.getMessage() + ", was '" + cronText + "'");
    }
    ZoneId zone = zone(p + ".zone", n.path("zone").asText("UTC"));
    ScheduleOverlap overlap =
        choice(p + ".overlap", n.path("overlap").asText("skip"), ScheduleOverlap.class);
    ScheduleCatchUp catchUp =
        choice(p + ".catchUp", n.path("catchUp").asText("last"), ScheduleCatchUp.class);
    ScheduleSpec.Job job = job(p + ".job", n.get("job"), jobTypes);
    return new ScheduleSpec(name, cron, zone, job, overlap, catchUp);
  }

  private static ScheduleSpec.Job job(String p, JsonNode n, Map<String, JobTypeSpec> jobTypes) {
    if (n == null || !n.isObject()) {
      throw new ConfigException(p + " must be a mapping with at least type and tenant");
    }
    checkKeys(p, n, JOB_KEYS);
    String type = n.path("type").asText("");
    String tenant = n.path("tenant").asText("");
    JobTypeSpec spec = jobTypes.get(type);
    if (spec == null) {
      throw new ConfigException(
          p + ".type must be a declared job type " + jobTypes.keySet() + ", was '" + type + "'");
    }
    if (!spec.allowsTenant(tenant)) {
      throw new ConfigException(
          p + ".tenant must be allowed by job type '" + type + "', was '" + tenant + "'");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    n.path("params")
        .fields()
        .forEachRemaining(e -> params.put(e.getKey(), paramValue(e.getValue())));
    Map<String, String> labels = new LinkedHashMap<>();
    n.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    Duration timeout = null;
    if (n.hasNonNull("timeout")) {
      try {
        timeout = Durations.parse(n.get("timeout").asText());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            p
                + ".timeout must be a duration (PT30S, 30s), was '"
                + n.get("timeout").asText()
                + "'");
      }
    }
    Integer maxAttempts = n.hasNonNull("maxAttempts") ? n.get("maxAttempts").asInt() : null;
    String partitionKey = n.hasNonNull("partitionKey") ? n.get("partitionKey").asText() : null;
    return new ScheduleSpec.Job(type, tenant, params, labels, timeout, maxAttempts, partitionKey);
  }

  /**
   * The Avro params union: null, boolean, long, double, string (objects and arrays as JSON text).
   */
  private static Object paramValue(JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    return v.isTextual() ? v.textValue() : v.toString();
  }

  private static ZoneId zone(String key, String text) {
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw new ConfigException(
          key + " must be a time zone id like UTC or Europe/Paris, was '" + text + "'");
    }
  }

  private static <E extends Enum<E>> E choice(String key, String text, Class<E> type) {
    try {
      return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key
              + " must be one of "
              + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
              + ", was '"
              + text
              + "'");
    }
  }

  private static void checkKeys(String prefix, JsonNode n, Set<String> allowed) {
    if (n == null || !n.isObject()) {
      throw new ConfigException(prefix + " must be a mapping");
    }
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!allowed.contains(k)) {
                throw new ConfigException("unknown setting " + prefix + "." + k);
              }
            });
  }

  private static Map<String, String> docs(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}

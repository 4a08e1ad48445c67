package dev.runex.topology.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.runex.config.Durations;
import dev.runex.config.Sizes;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.PriorityNames;
import dev.runex.schemas.ReasonCode;
import dev.runex.topology.intake.DecodeResult.Decoded;
import dev.runex.topology.intake.DecodeResult.Undecodable;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the JSON intake contract into a {@link JobRequest}, strictly: an unknown top-level field is
 * {@code UNKNOWN_FIELD}, a field of the wrong JSON type (or an unparseable instant or duration) is
 * {@code BAD_FIELD} naming the field, and anything that is not one JSON object (duplicate keys and
 * trailing content included) is {@code MALFORMED_JSON}. Missing {@code type}/{@code tenant} are
 * left blank for the validator to report. JSON {@code null} means "not given".
 */
final class JsonRequestParser {
  /**
   * The top-level fields of the JSON intake contract; users' tools write these, keep them stable.
   */
  static final Set<String> FIELDS =
      Set.of(
          "id",
          "type",
          "tenant",
          "params",
          "notBefore",
          "delay",
          "timeout",
          "maxAttempts",
          "partitionKey",
          "idempotencyKey",
          "labels",
          "limits",
          "expiresAt",
          "priority");

  /** The fields of the {@code limits} object (the job type's limits keys a request may lower). */
  static final Set<String> LIMIT_FIELDS =
      Set.of("memory", "cpu", "pids", "fileSize", "output", "network");

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  DecodeResult parse(byte[] value) {
    JsonNode root;
    try {
      root = MAPPER.readTree(value);
    } catch (IOException e) {
      return malformed("not valid JSON: " + describe(e));
    }
    if (root == null || !root.isObject()) {
      return malformed("a request must be one JSON object");
    }
    try {
      return new Decoded(toRequest(root), IntakeFormat.JSON);
    } catch (FieldException e) {
      return new Undecodable(IntakeFormat.JSON, e.code, e.getMessage());
    }
  }

  private static JobRequest toRequest(JsonNode root) {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new FieldException(
            ReasonCode.UNKNOWN_FIELD.code(),
            "unknown field '" + name + "' (known fields: " + FIELDS + ")");
      }
    }
    return JobRequest.newBuilder()
        .setId(text(root, "id"))
        .setType(orBlank(text(root, "type")))
        .setTenant(orBlank(text(root, "tenant")))
        .setParams(params(root.get("params")))
        .setNotBefore(instant(root, "notBefore", true))
        .setDelayMs(durationMs(root, "delay"))
        .setTimeoutMs(durationMs(root, "timeout"))
        .setMaxAttempts(intValue(root, "maxAttempts"))
        .setPartitionKey(text(root, "partitionKey"))
        .setIdempotencyKey(text(root, "idempotencyKey"))
        .setLabels(labels(root.get("labels")))
        .setLimits(limits(root.get("limits")))
        .setExpiresAt(instant(root, "expiresAt", false))
        .setPriority(priority(text(root, "priority")))
        .build();
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (absent(n)) {
      return null;
    }
    if (!n.isTextual()) {
      throw bad(field, "must be a string, was " + n.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return n.textValue();
  }

  /** {@code "high"}, {@code "normal"} or {@code "low"}; absent (null) means normal. */
  private static JobPriority priority(String text) {
    if (text == null) {
      return null;
    }
    return PriorityNames.parse(text)
        .orElseThrow(
            () ->
                bad(
                    "priority",
                    "must be one of " + PriorityNames.CHOICES + ", was \"" + text + "\""));
  }

  private static String orBlank(String s) {
    return s == null ? "" : s;
  }

  private static Map<String, Object> params(JsonNode n) {
    Map<String, Object> out = new HashMap<>();
    if (absent(n)) {
      return out;
    }
    if (!n.isObject()) {
      throw bad("params", "must be a JSON object");
    }
    n.fields()
        .forEachRemaining(
            e -> out.put(e.getKey(), paramValue("params." + e.getKey(), e.getValue())));
    return out;
  }

  /**
   * Maps a JSON value onto the Avro params union: null, boolean, long, double, string
   * (objects/arrays as JSON text).
   */
  private static Object paramValue(String field, JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw bad(field, "is out of range for a 64-bit integer: " + v);
      }
      return v.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    return v.toString();
  }

  private static Map<String, String> labels(JsonNode n) {
    Map<String, String> out = new HashMap<>();
    if (absent(n)) {
      return out;
    }
    if (!n.isObject()) {
      throw bad("labels", "must be a JSON object of strings");
    }
    n.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()) {
                throw bad("labels." + e.getKey(), "must be a string");
              }
              out.put(e.getKey(), e.getValue().textValue());
            });
    return out;
  }

  /**
   * {@code limits}: sizes as bytes or text (64MB), cpu as a duration (or whole millis), pids,
   * network.
   */
  private static JobLimits limits(JsonNode n) {
    if (absent(n)) {
      return null;
    }
    if (!n.isObject()) {
      throw bad("limits", "must be a JSON object");
    }
    n.fieldNames()
        .forEachRemaining(
            name -> {
              if (!LIMIT_FIELDS.contains(name)) {
                throw new FieldException(
                    ReasonCode.UNKNOWN_FIELD.code(),
                    "unknown field 'limits."
                        + name
                        + "' (known limits: "
                        + new TreeSet<>(LIMIT_FIELDS)
                        + ")");
              }
            });
    JsonNode network = n.get("network");
    if (!absent(network) && !network.isBoolean()) {
      throw bad("limits.network", "must be true or false, was " + network);
    }
    return JobLimits.newBuilder()
        .setMemoryBytes(size(n, "memory"))
        .setCpuMs(durationMs(n, "cpu", "limits.cpu"))
        .setPids(intValue(n, "pids", "limits.pids"))
        .setFileSizeBytes(size(n, "fileSize"))
        .setOutputBytes(size(n, "output"))
        .setNetwork(absent(network) ? null : network.booleanValue())
        .build();
  }

  private static Long size(JsonNode limits, String field) {
    JsonNode n = limits.get(field);
    if (absent(n)) {
      return null;
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    try {
      if (n.isTextual()) {
        return Sizes.parse(n.textValue());
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw bad("limits." + field, "must be a size in bytes or with a unit (64KB, 256MB), was " + n);
  }

  /**
   * An instant field, held in whole milliseconds (the schemas' {@code timestamp-millis}): a finer
   * instant is rounded up when {@code roundUp} ({@code notBefore}: a job must not start before the
   * instant asked for, not even by a fraction of a millisecond), else down ({@code expiresAt}: it
   * must not run after it).
   */
  private static Instant instant(JsonNode root, String field, boolean roundUp) {
    JsonNode n = root.get(field);
    if (absent(n)) {
      return null;
    }
    String hint = "must be an ISO-8601 instant (2026-11-25T23:00:00Z) or epoch millis, was " + n;
    try {
      long millis;
      if (n.isIntegralNumber() && n.canConvertToLong()) {
        millis = n.longValue();
      } else if (n.isTextual() && n.textValue().trim().matches("\\d{1,18}")) {
        millis = Long.parseLong(n.textValue().trim());
      } else if (n.isTextual()) {
        Instant parsed = parseInstant(n.textValue().trim());
        millis = parsed.toEpochMilli(); // rounds down, also before 1970
        if (roundUp && parsed.getNano() % 1_000_000 != 0) {
          millis = Math.addExact(millis, 1);
        }
      } else {
        throw bad(field, hint);
      }
      return Instant.ofEpochMilli(millis);
    } catch (DateTimeParseException | ArithmeticException e) {
      // ArithmeticException: a valid instant too far out to be held as epoch millis.
      throw bad(field, hint);
    }
  }

  private static Instant parseInstant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant();
    }
  }

  private static Long durationMs(JsonNode root, String field) {
    return durationMs(root, field, field);
  }

  private static Long durationMs(JsonNode root, String field, String label) {
    JsonNode n = root.get(field);
    if (absent(n)) {
      return null;
    }
    String hint =
        "must be an ISO-8601 duration (PT5S), a short form (5s, 250ms) or whole millis, was " + n;
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.longValue();
    }
    if (!n.isTextual()) {
      throw bad(label, hint);
    }
    try {
      return Durations.parse(n.textValue()).toMillis();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw bad(label, hint);
    }
  }

  private static Integer intValue(JsonNode root, String field) {
    return intValue(root, field, field);
  }

  private static Integer intValue(JsonNode root, String field, String label) {
    JsonNode n = root.get(field);
    if (absent(n)) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw bad(label, "must be a whole number, was " + n);
    }
    return n.intValue();
  }

  private static boolean absent(JsonNode n) {
    return n == null || n.isNull();
  }

  private static FieldException bad(String field, String problem) {
    return new FieldException(ReasonCode.BAD_FIELD.code(), field + " " + problem);
  }

  private static Undecodable malformed(String message) {
    return new Undecodable(IntakeFormat.JSON, ReasonCode.MALFORMED_JSON.code(), message);
  }

  private static String describe(IOException e) {
    if (e instanceof JsonProcessingException jpe) {
      String where =
          jpe.getLocation() == null
              ? ""
              : " at line "
                  + jpe.getLocation().getLineNr()
                  + ", column "
                  + jpe.getLocation().getColumnNr();
      return jpe.getOriginalMessage() + where;
    }
    return e.getMessage();
  }

  /** A field-level problem; carries its reason code out of the nested readers. */
  private static final class FieldException extends RuntimeException {
    private final String code;

    FieldException(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}

package dev.runex.topology.validation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.ParamSpec;
import dev.runex.config.ParamType;
import dev.runex.schemas.ReasonCode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a request's parameters against its job type's declared parameters and returns them
 * normalised (an {@code int} parameter written as a whole double, e.g. JSON {@code 5.0}, becomes a
 * long, so handlers see one Java type per declared type).
 */
final class ParamChecker {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final int MAX_ECHO = 40;

  private ParamChecker() {}

  /** The normalised parameters; throws {@link Refusal} on the first problem (in name order). */
  static Map<String, Object> check(JobTypeSpec type, Map<String, Object> params) {
    Map<String, Object> given = new TreeMap<>(params);
    for (ParamSpec spec : new TreeMap<>(type.params()).values()) {
      if (spec.required() && given.get(spec.name()) == null) {
        throw new Refusal(
            ReasonCode.PARAM_MISSING,
            "params."
                + spec.name()
                + " is required by type '"
                + type.name()
                + "' ("
                + spec.type().label()
                + ")");
      }
    }
    Map<String, Object> out = new HashMap<>();
    for (Map.Entry<String, Object> e : given.entrySet()) {
      ParamSpec spec = type.params().get(e.getKey());
      if (spec == null && !type.allowUnknownParams()) {
        throw new Refusal(
            ReasonCode.PARAM_UNKNOWN,
            "params."
                + e.getKey()
                + " is not declared by type '"
                + type.name()
                + "' (declared: "
                + new TreeMap<>(type.params()).keySet()
                + ")");
      }
      out.put(
          e.getKey(),
          spec == null || e.getValue() == null ? e.getValue() : typed(spec, e.getValue()));
    }
    return out;
  }

  private static Object typed(ParamSpec spec, Object value) {
    Object converted =
        switch (spec.type()) {
          case INT -> asWholeNumber(value);
          case NUMBER -> value instanceof Long || value instanceof Double ? value : null;
          case BOOLEAN -> value instanceof Boolean ? value : null;
          case STRING -> value instanceof String ? value : null;
          case JSON -> value instanceof String s && isJsonContainer(s) ? value : null;
        };
    if (converted == null) {
      throw new Refusal(
          ReasonCode.PARAM_TYPE,
          "params."
              + spec.name()
              + " must be "
              + describe(spec.type())
              + ", was "
              + describeValue(value));
    }
    return converted;
  }

  private static Long asWholeNumber(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Double d
        && Double.isFinite(d)
        && d == Math.rint(d)
        && d >= Long.MIN_VALUE
        && d <= Long.MAX_VALUE) {
      return d.longValue();
    }
    return null;
  }

  private static boolean isJsonContainer(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      return n != null && n.isContainerNode();
    } catch (IOException e) {
      return false;
    }
  }

  private static String describe(ParamType type) {
    return switch (type) {
      case INT -> "an int (whole number)";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      case JSON -> "json (an object or array)";
    };
  }

  private static String describeValue(Object value) {
    String kind =
        value instanceof Long
            ? "whole number"
            : value instanceof Double ? "number" : value instanceof Boolean ? "boolean" : "string";
    String text = String.valueOf(value);
    if (text.length() > MAX_ECHO) {
      text = text.substring(0, MAX_ECHO) + "...";
    }
    return kind + " " + (value instanceof String ? "\"" + text + "\"" : text);
  }
}

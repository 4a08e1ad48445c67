package dev.runex.schemas.lifecycle;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C Trace Context {@code traceparent} values ({@code 00-<32 hex trace id>-<16 hex span id>-<2 hex
 * flags>}) as Kafka record headers: the intake stage keeps a valid one from the submitting record,
 * the scheduling stage writes it on the job's scheduled records, and the worker continues the
 * trace.
 */
public final class TraceParents {
  public static final String HEADER = "traceparent";
  private static final Pattern VALID =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  private TraceParents() {}

  /**
   * The matcher of a valid traceparent (groups: trace id, span id, flags), or null when it is not
   * one.
   */
  public static Matcher parse(String value) {
    if (value == null) {
      return null;
    }
    Matcher m = VALID.matcher(value.trim());
    return m.matches() && !m.group(1).equals(ZERO_TRACE) && !m.group(2).equals(ZERO_SPAN)
        ? m
        : null;
  }

  /** The last valid {@code traceparent} header of {@code headers}, trimmed, or null. */
  public static String from(Headers headers) {
    Header h = headers == null ? null : headers.lastHeader(HEADER);
    if (h == null || h.value() == null) {
      return null;
    }
    String value = new String(h.value(), StandardCharsets.UTF_8).trim();
    return parse(value) == null ? null : value;
  }
}

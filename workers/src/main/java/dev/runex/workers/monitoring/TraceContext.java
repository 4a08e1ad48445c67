package dev.runex.workers.monitoring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * W3C Trace Context for an attempt ({@code traceparent: 00-<trace id>-<span id>-<flags>}). When
 * the consumed record carried a valid {@code traceparent} header, the attempt continues that
 * trace; otherwise the trace id is derived from the job id, so every attempt of a job (and its
 * reruns after a crash) share one trace. The span id is derived from the idempotency key
 * ({@code <job id>:<attempt>}): stable for a re-executed attempt, distinct per attempt.
 */
public final class TraceContext {
  public static final String HEADER = "traceparent";
  private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String ZERO_TRACE = "0".repeat(32);

  private TraceContext() {}

  /** The traceparent for attempt {@code attempt} of {@code jobId}, continuing {@code inbound} when it is valid. */
  public static String traceParent(String jobId, int attempt, String inbound) {
    String traceId;
    String flags = "01";
    var m = inbound == null ? null : VALID.matcher(inbound.trim());
    if (m != null && m.matches() && !m.group(1).equals(ZERO_TRACE)) {
      traceId = m.group(1);
      flags = m.group(3);
    } else {
      traceId = hex(digest("runex-trace:" + jobId), 16);
    }
    return "00-" + traceId + "-" + hex(digest("runex-span:" + jobId + ":" + attempt), 8) + "-" + flags;
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String hex(byte[] bytes, int length) {
    byte[] id = java.util.Arrays.copyOf(bytes, length);
    id[length - 1] |= 1; // an all-zero id is invalid: never produce one
    return HexFormat.of().formatHex(id);
  }
}

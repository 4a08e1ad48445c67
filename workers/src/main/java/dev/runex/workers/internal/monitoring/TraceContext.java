package dev.runex.workers.internal.monitoring;

import dev.runex.schemas.lifecycle.TraceParents;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;

/**
 * W3C Trace Context for an attempt ({@code traceparent: 00-<trace id>-<span id>-<flags>}). When the
 * job was submitted with a valid {@code traceparent} (intake record header, carried by the topology
 * to the scheduled record's header), the attempt continues that trace; otherwise the trace id is
 * derived from the job id, so every attempt of a job (and its reruns after a crash) share one
 * trace. The span id is derived from the idempotency key ({@code <job id>:<attempt>}): stable for a
 * re-executed attempt, distinct per attempt.
 */
public final class TraceContext {
  public static final String HEADER = TraceParents.HEADER;

  private TraceContext() {}

  /**
   * The traceparent for attempt {@code attempt} of {@code jobId}, continuing {@code inbound} when
   * it is valid.
   */
  public static String traceParent(String jobId, int attempt, String inbound) {
    String traceId;
    String flags = "01";
    Matcher m = TraceParents.parse(inbound);
    if (m != null) {
      traceId = m.group(1);
      flags = m.group(3);
    } else {
      traceId = hex(digest("runex-trace:" + jobId), 16);
    }
    return "00-"
        + traceId
        + "-"
        + hex(digest("runex-span:" + jobId + ":" + attempt), 8)
        + "-"
        + flags;
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

package dev.runex.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * What the benchmark submits: one JSON {@code echo} request for tenant {@code demo}, padded through
 * its {@code message} parameter to the requested size, so the bare chain carries exactly the bytes
 * runex receives. Job ids are {@code <tag>-<seq>}, so a result's key tells which send it answers.
 */
public final class JobPayload {
  private static final String HEAD =
      "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"";
  private static final String TAIL = "\"}}";

  private JobPayload() {}

  /** An echo request of {@code valueBytes} bytes, or the shortest one when that is smaller. */
  public static byte[] echoRequest(int valueBytes) {
    int padding = Math.max(0, valueBytes - HEAD.length() - TAIL.length());
    return (HEAD + "x".repeat(padding) + TAIL).getBytes(StandardCharsets.UTF_8);
  }

  public static String id(String tag, int seq) {
    return tag + "-" + seq;
  }

  /** The sequence number of an id made by {@link #id} with this tag, or -1 for any other key. */
  public static int seqOf(String tag, String id) {
    if (id == null || !id.startsWith(tag + "-")) {
      return -1;
    }
    try {
      return Integer.parseInt(id, tag.length() + 1, id.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

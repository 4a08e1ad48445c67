package dev.runex.topology.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * One page of a job listing: jobs (as JSON) in job-id order, and the token of the next page (null
 * on the last). The token is the last id of this page, base64url-encoded: opaque to clients, and
 * stable across instances, because every partition and instance pages by the same id order.
 */
public record JobPage(List<JsonNode> jobs, String nextPageToken) {
  /** Job ids compared as UTF-8 bytes: the order RocksDB iterates the stores in. */
  static final Comparator<JsonNode> BY_ID = (a, b) -> Arrays.compareUnsigned(bytes(a), bytes(b));

  /**
   * Merges partial pages (each sorted, from partitions or instances, each asked for {@code limit +
   * 1} jobs) into the first {@code limit} jobs overall.
   */
  static JobPage merge(List<List<JsonNode>> parts, int limit) {
    List<JsonNode> all = new ArrayList<>();
    parts.forEach(all::addAll);
    all.sort(BY_ID);
    if (all.size() <= limit) {
      return new JobPage(all, null);
    }
    List<JsonNode> page = List.copyOf(all.subList(0, limit));
    return new JobPage(page, token(page.get(limit - 1).path("jobId").asText()));
  }

  static String token(String lastId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The last id of the previous page; IllegalArgumentException for a token this API did not issue.
   */
  static String afterId(String token) {
    if (token == null || token.isBlank()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a page token: '" + token + "'");
    }
  }

  private static byte[] bytes(JsonNode job) {
    return job.path("jobId").asText().getBytes(StandardCharsets.UTF_8);
  }
}

package dev.runex.schemas.quota;

import dev.runex.schemas.Job;
import java.util.Map;

/**
 * A quota slot handed back, as written to {@code admission-releases} (key: tenant): job id, and
 * either {@code *} (the job has its final result) or the attempt token of the retry the finished
 * attempt produced (that retry needs a slot of its own when it is due). The quota gate labels the
 * jobs it admits ({@link #ADMITTED_LABEL}); a worker finishing an attempt of such a job writes the
 * notice in the same transaction as the attempt's result or retry.
 *
 * @param jobId the job
 * @param retryToken the retry's {@link #token(Job)}, or null for a final result
 */
public record ReleaseNotice(String jobId, String retryToken) {
  /**
   * Label the quota gate puts on the jobs it admits (results and retries keep the job's labels).
   */
  public static final String ADMITTED_LABEL = "runex.quota";

  public static final String ADMITTED = "admitted";
  private static final char SEP = '\u0000';
  private static final String FINAL = "*";

  /** True when {@code labels} (a job's) say the quota gate admitted it. */
  public static boolean admitted(Map<String, String> labels) {
    return labels != null && ADMITTED.equals(labels.get(ADMITTED_LABEL));
  }

  public static ReleaseNotice finished(String jobId) {
    return new ReleaseNotice(jobId, null);
  }

  public static ReleaseNotice retried(Job retry) {
    return new ReleaseNotice(retry.getId(), token(retry));
  }

  /** Identifies one attempt of a job: attempt number and due time (a deferral keeps the number). */
  public static String token(Job job) {
    return job.getAttempt() + "@" + job.getDueAt().toEpochMilli();
  }

  public boolean isFinal() {
    return retryToken == null;
  }

  public String encode() {
    return jobId + SEP + (retryToken == null ? FINAL : retryToken);
  }

  /** Decodes {@link #encode()}'s text; null when it is not a notice. */
  public static ReleaseNotice decode(String text) {
    int i = text == null ? -1 : text.lastIndexOf(SEP);
    if (i <= 0) {
      return null;
    }
    String tail = text.substring(i + 1);
    return new ReleaseNotice(text.substring(0, i), tail.equals(FINAL) ? null : tail);
  }
}

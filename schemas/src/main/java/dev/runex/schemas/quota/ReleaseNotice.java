package dev.runex.schemas.quota;

import dev.runex.schemas.Feedback;
import dev.runex.schemas.Job;
import dev.runex.schemas.QuotaRelease;
import java.time.Instant;
import java.util.Map;

/**
 * A quota slot handed back, as a {@link QuotaRelease} on {@code feedback} (key: tenant): job id,
 * and either nothing (the job has its final result) or the attempt token of the retry the finished
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

  /** This notice as the {@code feedback} record its tenant's quota gate reads (key: tenant). */
  public Feedback toFeedback(String tenant, long time) {
    return Feedback.newBuilder()
        .setJobId(jobId)
        .setTime(Instant.ofEpochMilli(time))
        .setBody(QuotaRelease.newBuilder().setTenant(tenant).setRetryToken(retryToken).build())
        .build();
  }

  /** The notice a {@code feedback} record's quota release carries. */
  public static ReleaseNotice of(Feedback feedback, QuotaRelease release) {
    return new ReleaseNotice(feedback.getJobId(), release.getRetryToken());
  }
}

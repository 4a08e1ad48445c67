package dev.runex.topology.intake.dedupe;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.time.Instant;

/**
 * What a duplicate submission produces: a REJECTED result with code {@link ReasonCode#DUPLICATE}
 * whose {@code duplicateOf} names the first job, and a REJECTED event. No dead letter: a duplicate
 * is the expected outcome of a client retrying, not a failure for an operator to replay.
 */
final class DuplicateSubmission {
  private DuplicateSubmission() {}

  static JobResult result(
      Job duplicate, String originalId, Instant firstSeen, long now, String instanceId) {
    return JobResult.newBuilder()
        .setId(duplicate.getId())
        .setType(duplicate.getType())
        .setTenant(duplicate.getTenant())
        .setStatus(JobStatus.REJECTED)
        .setError(reason(duplicate, originalId, firstSeen))
        .setAttempts(0)
        .setSubmittedAt(duplicate.getSubmittedAt())
        .setFinishedAt(Instant.ofEpochMilli(now))
        .setWorkerId(instanceId)
        .setLabels(duplicate.getLabels())
        .setDuplicateOf(originalId)
        .build();
  }

  static JobEvent event(Job duplicate, String originalId, long now, String instanceId) {
    return Lifecycle.event(
        duplicate,
        JobEventKind.REJECTED,
        Lifecycle.VALIDATION,
        instanceId,
        ReasonCode.DUPLICATE.code() + ": duplicate of job " + originalId,
        now);
  }

  private static ErrorInfo reason(Job duplicate, String originalId, Instant firstSeen) {
    return Lifecycle.error(
        ReasonCode.DUPLICATE.code(),
        "idempotencyKey '"
            + duplicate.getIdempotencyKey()
            + "' of tenant '"
            + duplicate.getTenant()
            + "' was already submitted as job "
            + originalId
            + " at "
            + firstSeen,
        null,
        false);
  }
}

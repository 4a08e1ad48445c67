package dev.runex.topology.intake;

import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/** Builds the records an intake rejection produces: the REJECTED result and the dead letter. */
final class IntakeRejections {
  private IntakeRejections() {}

  /** Where the rejected record came from. */
  record Source(String topic, int partition, long offset, byte[] value, IntakeFormat format) {}

  /** What was known about the job when it was refused (type/tenant may be null). */
  record Refused(String jobId, String type, String tenant, Map<String, String> labels) {}

  static ErrorInfo reason(String code, String message) {
    return Lifecycle.error(code, message, null, false);
  }

  static JobResult result(
      Refused job, ErrorInfo reason, long submittedAt, long now, String instanceId) {
    return JobResult.newBuilder()
        .setId(job.jobId())
        .setType(job.type())
        .setTenant(job.tenant())
        .setStatus(JobStatus.REJECTED)
        .setError(reason)
        .setAttempts(0)
        .setSubmittedAt(Instant.ofEpochMilli(submittedAt))
        .setFinishedAt(Instant.ofEpochMilli(now))
        .setWorkerId(instanceId)
        .setLabels(job.labels())
        .build();
  }

  static DeadLetter deadLetter(String jobId, ErrorInfo reason, Source source, long now) {
    return DeadLetter.newBuilder()
        .setJobId(jobId)
        .setStage(Lifecycle.INTAKE)
        .setReason(reason)
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setAttempts(0)
        .setFirstFailureAt(Instant.ofEpochMilli(now))
        .setLastFailureAt(Instant.ofEpochMilli(now))
        .setOriginalValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
        .setOriginalContentType(source.format().label())
        .build();
  }
}

package dev.runex.workers.internal.deadletter;

import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.workers.internal.execution.Failure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Builds execution-stage dead letters: the reason, a bounded stack trace, the consumed record's
 * topic/partition/offset, the attempt count, first and last failure times and the job as it last
 * ran — what Kafka Streams puts in its own DLQ headers plus what a replay needs, so one replay tool
 * serves every dead letter.
 */
public final class DeadLetterFactory {
  public static final String STAGE = Lifecycle.EXECUTION;

  /** Stack traces are cut here: a dead letter must stay far below the record size limit. */
  public static final int MAX_STACKTRACE_CHARS = 16 * 1024;

  private DeadLetterFactory() {}

  /** A job that failed for good (permanently, or out of attempts). */
  public static DeadLetter forJob(
      Job job, Failure failure, SourceCoordinates source, Instant firstFailureAt, Instant now) {
    return DeadLetter.newBuilder()
        .setJobId(job.getId())
        .setStage(STAGE)
        .setReason(failure.toErrorInfo())
        .setStacktrace(stacktrace(failure.cause(), MAX_STACKTRACE_CHARS))
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setAttempts(job.getAttempt())
        .setFirstFailureAt(firstFailureAt)
        .setLastFailureAt(now)
        .setJob(job)
        .build();
  }

  /** A scheduled record that is not a readable job: kept byte for byte for inspection. */
  public static DeadLetter forUndecodable(
      SourceCoordinates source, byte[] value, Throwable error, Instant now) {
    ErrorInfo reason =
        Lifecycle.error(ReasonCode.UNDECODABLE.code(), error.getMessage(), error, false);
    return DeadLetter.newBuilder()
        .setJobId(null)
        .setStage(STAGE)
        .setReason(reason)
        .setStacktrace(stacktrace(error, MAX_STACKTRACE_CHARS))
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setAttempts(0)
        .setFirstFailureAt(now)
        .setLastFailureAt(now)
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
        .setOriginalContentType("avro")
        .build();
  }

  /** The stack trace of {@code t}, at most {@code max} characters; null without a throwable. */
  static String stacktrace(Throwable t, int max) {
    if (t == null) {
      return null;
    }
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    String text = out.toString();
    if (text.length() <= max) {
      return text;
    }
    String marker = "\n\t... (truncated)";
    return text.substring(0, Math.max(0, max - marker.length())) + marker;
  }
}

package dev.runex.topology.validation;

import dev.runex.config.ExecutionLimits;
import dev.runex.config.JobTypeSpec;
import dev.runex.config.Sizes;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.ReasonCode;
import java.time.Duration;

/**
 * Checks a request's own {@code limits} against its job type's: each given value must be valid
 * ({@code INVALID_FIELD} otherwise) and at most the type's ({@code LIMIT_TOO_HIGH}): a request can
 * lower a limit, never raise it, and can turn the network off but never on.
 */
final class LimitChecker {
  private LimitChecker() {}

  static void check(JobTypeSpec type, JobLimits asked) {
    if (asked == null) {
      return;
    }
    ExecutionLimits max = type.limits();
    String t = "type '" + type.name() + "'";
    if (asked.getMemoryBytes() != null) {
      long v = asked.getMemoryBytes();
      atLeast(
          v >= ExecutionLimits.MIN_MEMORY_BYTES,
          "limits.memory must be >= 16MB, was " + Sizes.format(v));
      atMost(
          v <= max.memoryBytes(),
          "limits.memory "
              + Sizes.format(v)
              + " is above "
              + t
              + " limit ("
              + Sizes.format(max.memoryBytes())
              + ")");
    }
    if (asked.getCpuMs() != null) {
      long v = asked.getCpuMs();
      atLeast(v >= 1000, "limits.cpu must be >= 1s, was " + v + "ms");
      atMost(
          v <= max.cpu().toMillis(),
          "limits.cpu " + Duration.ofMillis(v) + " is above " + t + " limit (" + max.cpu() + ")");
    }
    if (asked.getPids() != null) {
      int v = asked.getPids();
      atLeast(v >= 1, "limits.pids must be >= 1, was " + v);
      atMost(
          v <= max.pids(), "limits.pids " + v + " is above " + t + " limit (" + max.pids() + ")");
    }
    if (asked.getFileSizeBytes() != null) {
      long v = asked.getFileSizeBytes();
      atLeast(v >= 1, "limits.fileSize must be >= 1B, was " + v);
      atMost(
          v <= max.fileSizeBytes(),
          "limits.fileSize "
              + Sizes.format(v)
              + " is above "
              + t
              + " limit ("
              + Sizes.format(max.fileSizeBytes())
              + ")");
    }
    if (asked.getOutputBytes() != null) {
      long v = asked.getOutputBytes();
      atLeast(v >= 0, "limits.output must be >= 0B, was " + v);
      atMost(
          v <= max.outputBytes(),
          "limits.output "
              + Sizes.format(v)
              + " is above "
              + t
              + " limit ("
              + Sizes.format(max.outputBytes())
              + ")");
    }
    if (Boolean.TRUE.equals(asked.getNetwork())) {
      atMost(max.network(), "limits.network: " + t + " does not allow network access");
    }
  }

  private static void atLeast(boolean ok, String message) {
    if (!ok) {
      throw new Refusal(ReasonCode.INVALID_FIELD, message);
    }
  }

  private static void atMost(boolean ok, String message) {
    if (!ok) {
      throw new Refusal(ReasonCode.LIMIT_TOO_HIGH, message);
    }
  }
}

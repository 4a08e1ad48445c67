package dev.runex.topology.validation;

import dev.runex.topology.intake.IntakeKeys;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Resolves a job's id the way the intake contract promises: the request's {@code id}, else the
 * record key (when it is non-blank valid UTF-8), else a generated UUID. Used both for accepted jobs
 * and for rejections, so a producer waiting on its key learns the outcome under that key.
 */
public final class JobIds {
  /** Random UUIDs: ids nobody asked for only need to be unique. */
  public static final Supplier<String> RANDOM = () -> UUID.randomUUID().toString();

  private JobIds() {}

  public static String resolve(String requestId, byte[] recordKey, Supplier<String> generator) {
    if (requestId != null && !requestId.isBlank()) {
      return requestId;
    }
    String key = IntakeKeys.jobIdOrNull(recordKey);
    return key != null ? key : generator.get();
  }
}

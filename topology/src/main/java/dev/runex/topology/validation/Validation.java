package dev.runex.topology.validation;

import dev.runex.schemas.Job;

/**
 * The outcome of {@link JobValidator#validate}: a schedulable job, or why the request is refused.
 */
public sealed interface Validation {

  /** The request is acceptable; {@code job} has every default resolved from its type. */
  record Valid(Job job) implements Validation {}

  /**
   * The request is refused.
   *
   * @param code stable machine-readable reason, e.g. {@code UNKNOWN_TYPE}
   * @param message for humans: names the field and the limit it broke
   */
  record Invalid(String code, String message) implements Validation {}
}

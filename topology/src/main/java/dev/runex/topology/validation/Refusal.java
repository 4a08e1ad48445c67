package dev.runex.topology.validation;

import dev.runex.schemas.ReasonCode;

/**
 * A validation check failed. Internal to this package: it lets small check methods stop the whole
 * validation, and {@link JobValidator#validate} turns it into {@link Validation.Invalid}.
 */
final class Refusal extends RuntimeException {
  private final ReasonCode code;

  Refusal(ReasonCode code, String message) {
    super(message, null, false, false); // no stack trace: this is an expected outcome
    this.code = code;
  }

  Validation.Invalid toInvalid() {
    return new Validation.Invalid(code.code(), getMessage());
  }
}

package dev.runex.topology.intake;

import dev.runex.topology.validation.JobValidator;
import java.util.Set;

/** The reason codes an intake rejection may carry (the README lists them for users). */
public final class IntakeReasons {
  public static final Set<String> CODES =
      Set.of(
          IntakeDecoder.EMPTY,
          IntakeDecoder.TOO_LARGE,
          IntakeDecoder.MALFORMED_JSON,
          IntakeDecoder.UNKNOWN_FIELD,
          IntakeDecoder.BAD_FIELD,
          IntakeDecoder.UNKNOWN_SCHEMA_ID,
          IntakeDecoder.MALFORMED_AVRO,
          IntakeDecoder.UNSUPPORTED_ENCODING,
          JobValidator.INVALID_FIELD,
          JobValidator.UNKNOWN_TYPE,
          JobValidator.TENANT_NOT_ALLOWED,
          JobValidator.PRIORITY_NOT_ALLOWED,
          JobValidator.PAYLOAD_TOO_LARGE,
          JobValidator.TIMEOUT_TOO_LONG,
          JobValidator.ATTEMPTS_TOO_MANY,
          JobValidator.LIMIT_TOO_HIGH,
          JobValidator.PARAM_MISSING,
          JobValidator.PARAM_TYPE,
          JobValidator.PARAM_UNKNOWN);

  private IntakeReasons() {}
}

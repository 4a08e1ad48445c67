package dev.runex.topology.intake;

import dev.runex.schemas.ReasonCode;
import java.util.Set;

/** The reason codes an intake rejection may carry (the README lists them for users). */
public final class IntakeReasons {
  public static final Set<String> CODES =
      Set.of(
          ReasonCode.EMPTY.code(),
          ReasonCode.TOO_LARGE.code(),
          ReasonCode.MALFORMED_JSON.code(),
          ReasonCode.UNKNOWN_FIELD.code(),
          ReasonCode.BAD_FIELD.code(),
          ReasonCode.UNKNOWN_SCHEMA_ID.code(),
          ReasonCode.MALFORMED_AVRO.code(),
          ReasonCode.UNSUPPORTED_ENCODING.code(),
          ReasonCode.INVALID_FIELD.code(),
          ReasonCode.UNKNOWN_TYPE.code(),
          ReasonCode.TENANT_NOT_ALLOWED.code(),
          ReasonCode.PRIORITY_NOT_ALLOWED.code(),
          ReasonCode.PAYLOAD_TOO_LARGE.code(),
          ReasonCode.TIMEOUT_TOO_LONG.code(),
          ReasonCode.ATTEMPTS_TOO_MANY.code(),
          ReasonCode.LIMIT_TOO_HIGH.code(),
          ReasonCode.PARAM_MISSING.code(),
          ReasonCode.PARAM_TYPE.code(),
          ReasonCode.PARAM_UNKNOWN.code());

  private IntakeReasons() {}
}

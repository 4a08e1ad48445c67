package dev.runex.topology.intake;

import dev.runex.schemas.JobRequest;

/** What {@link IntakeDecoder} made of an intake record's value. */
public sealed interface DecodeResult {

  /** The encoding the bytes were recognised as (before or despite a failure). */
  IntakeFormat format();

  /** The bytes held a well-formed request. */
  record Decoded(JobRequest request, IntakeFormat format) implements DecodeResult {}

  /**
   * The bytes could not be read as a request.
   *
   * @param code stable reason code, e.g. {@code MALFORMED_JSON}
   * @param message human explanation naming the field or limit
   */
  record Undecodable(IntakeFormat format, String code, String message) implements DecodeResult {}
}

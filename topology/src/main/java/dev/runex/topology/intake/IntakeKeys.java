package dev.runex.topology.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads intake record keys, which producers write as raw bytes (by contract, the job id in UTF-8).
 */
public final class IntakeKeys {
  private IntakeKeys() {}

  /**
   * The key as text when it is non-empty, valid UTF-8; otherwise null (it cannot serve as a job
   * id).
   */
  public static String utf8OrNull(byte[] key) {
    if (key == null || key.length == 0) {
      return null;
    }
    try {
      // A strict decoder: the lenient String constructor would turn garbage into U+FFFD ids.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}

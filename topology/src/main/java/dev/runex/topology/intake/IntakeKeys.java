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
   * The key as the job id it names: non-blank, valid UTF-8 text; otherwise null. A blank key is no
   * id, as a blank {@code id} field is none: it would name a job nobody can tell apart from "no
   * id".
   */
  public static String jobIdOrNull(byte[] key) {
    String text = utf8OrNull(key);
    return text == null || text.isBlank() ? null : text;
  }

  /** The bytes as text when they are non-empty, valid UTF-8; otherwise null. */
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

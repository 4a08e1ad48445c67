package dev.runex.topology.intake;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One generated intake record and what runex must make of it.
 *
 * @param kind which generator made it (shown when a property fails)
 * @param key the record key (may be null, empty or not UTF-8)
 * @param value the record value (may be null)
 * @param expect the outcome the record must have
 */
public record IntakeCase(String kind, byte[] key, byte[] value, Expect expect) {

  /** What must become of the record. */
  public enum Expect {
    /** A well-formed, valid request: it becomes a job. */
    JOB,
    /** Certainly bad: a REJECTED result (when it names a job) and a dead letter. */
    REJECTED,
    /** A mutation that may or may not have kept the request valid: either outcome, nothing else. */
    EITHER
  }

  public IntakeCase withExpect(Expect e) {
    return new IntakeCase(kind, key, value, e);
  }

  @Override
  public String toString() {
    return kind + "/" + expect + " key=" + show(key) + " value=" + show(value);
  }

  private static String show(byte[] b) {
    if (b == null) {
      return "null";
    }
    String text = new String(b, 0, Math.min(b.length, 300), StandardCharsets.UTF_8);
    boolean printable = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    String shown =
        printable
            ? '"' + text + '"'
            : "0x" + HexFormat.of().formatHex(b, 0, Math.min(b.length, 150));
    return shown + (b.length > 300 ? "...(" + b.length + " bytes)" : "");
  }
}

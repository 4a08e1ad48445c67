package dev.runex.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Bad intake records of the kinds the intake fuzzing covers, for the garbage scenario: truncated
 * and wrongly typed JSON, invalid UTF-8, duplicate keys, deep nesting, out-of-range numbers and
 * dates, unknown fields, non-objects, empty values, random bytes, and Confluent-framed Avro with an
 * unknown schema id or a body that lies about its lengths. Each is refused by intake (a REJECTED
 * result and a dead letter), never a job. Deterministic: the same list every run.
 */
public final class GarbagePayloads {
  private GarbagePayloads() {}

  /** The bad records, {@code copies} variants of each kind. */
  public static List<byte[]> all(int copies) {
    Random random = new Random(42);
    String good = "{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"xxxxxxxxxx\"}}";
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      out.add(utf8(good.substring(0, 1 + random.nextInt(good.length() - 1)))); // truncated
      byte[] invalid = utf8(good);
      invalid[good.indexOf("xxx")] = (byte) 0xff; // invalid UTF-8 inside a string
      out.add(invalid);
      out.add(utf8("{\"type\":\"echo\",\"tenant\":" + i + "}")); // wrong type
      out.add(utf8("{\"type\":\"echo\",\"type\":\"echo\",\"tenant\":\"demo\"}")); // duplicate key
      out.add(utf8("{\"labels\":" + "[".repeat(600) + "]".repeat(600) + "}")); // deep nesting
      out.add(
          utf8(
              "{\"type\":\"echo\",\"tenant\":\"demo\",\"notBefore\":\"+999999999-12-31T23:59:59Z\"}"));
      out.add(utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"timeout\":" + "9".repeat(30) + "}"));
      out.add(utf8("{\"type\":\"echo\",\"tenant\":\"demo\",\"bogus\":" + i + "}")); // unknown field
      out.add(utf8("{\"type\":\"echo\",\"tenant\":\"mallory\"}")); // tenant not allowed
      out.add(utf8("[" + i + "]")); // not an object
      out.add(new byte[0]); // empty
      byte[] noise = new byte[1 + random.nextInt(120)];
      random.nextBytes(noise);
      noise[0] = (byte) (1 + random.nextInt(30)); // neither JSON nor Avro
      out.add(noise);
      // Avro framing, unknown schema id: costs a registry lookup each time it is seen
      out.add(ByteBuffer.allocate(9).put((byte) 0).putInt(2_000_000_000 - i).putInt(i).array());
      out.add(Arrays.copyOf(new byte[] {0, 0, 0}, 3)); // an Avro frame too short to hold an id
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

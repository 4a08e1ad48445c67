package dev.runex.workers.internal.offsets;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.BitSet;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Encodes the offsets that already finished <em>above</em> a partition's commit point into the
 * offset commit's metadata string, so a worker that takes the partition over (after a crash or a
 * rebalance) skips them instead of producing a second result.
 *
 * <p>Format: the empty string when nothing above the commit point finished; otherwise {@code rx1}
 * followed by {@code B} and the base64url bitset, or {@code Z} and the base64url of the
 * zlib-deflated bitset, whichever is shorter. Bit {@code i} set means offset {@code base + 1 + i}
 * finished ({@code base}, the committed offset, is by definition unfinished). Contiguous runs
 * deflate to a few bytes; a fully random window of {@code n} offsets costs at most {@code 4 *
 * ceil(n / 8) / 3} characters (16,384 offsets: about 2.7 KB), below Kafka's default {@code
 * offset.metadata.max.bytes} of 4096.
 */
public final class CompletedOffsetsCodec {
  static final String PREFIX = "rx1";
  private static final char RAW = 'B';
  private static final char DEFLATED = 'Z';

  /** Refuse metadata that would inflate beyond this (a corrupt or hostile value). */
  private static final int MAX_BITSET_BYTES = 1 << 20;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private CompletedOffsetsCodec() {}

  /** Encodes the offsets of {@code finished} that are greater than {@code base}. */
  public static String encode(long base, long... finished) {
    BitSet bits = new BitSet();
    for (long offset : finished) {
      if (offset <= base) {
        continue;
      }
      long index = offset - base - 1;
      if (index > Integer.MAX_VALUE - 1) {
        throw new IllegalStateException(
            "finished offset " + offset + " is too far above commit point " + base);
      }
      bits.set((int) index);
    }
    if (bits.isEmpty()) {
      return "";
    }
    byte[] raw = bits.toByteArray();
    String plain = PREFIX + RAW + ENCODER.encodeToString(raw);
    String deflated = PREFIX + DEFLATED + ENCODER.encodeToString(deflate(raw));
    return deflated.length() < plain.length() ? deflated : plain;
  }

  /**
   * The absolute offsets encoded in {@code metadata} relative to {@code base}, ascending.
   *
   * @throws IllegalArgumentException when the metadata was not written by this codec
   */
  public static long[] decode(long base, String metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return new long[0];
    }
    if (!metadata.startsWith(PREFIX) || metadata.length() < PREFIX.length() + 1) {
      throw new IllegalArgumentException(
          "not runex completed-offsets metadata: '" + abbreviate(metadata) + "'");
    }
    char kind = metadata.charAt(PREFIX.length());
    byte[] payload = DECODER.decode(metadata.substring(PREFIX.length() + 1));
    byte[] raw =
        switch (kind) {
          case RAW -> payload;
          case DEFLATED -> inflate(payload);
          default ->
              throw new IllegalArgumentException(
                  "unknown completed-offsets encoding '" + kind + "'");
        };
    BitSet bits = BitSet.valueOf(raw);
    return bits.stream().mapToLong(i -> base + 1 + i).toArray();
  }

  private static byte[] deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 16);
      byte[] buf = new byte[1024];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static byte[] inflate(byte[] compressed) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(compressed);
      ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
      byte[] buf = new byte[1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("truncated completed-offsets metadata");
        }
        out.write(buf, 0, n);
        if (out.size() > MAX_BITSET_BYTES) {
          throw new IllegalArgumentException(
              "completed-offsets metadata inflates beyond " + MAX_BITSET_BYTES + " bytes");
        }
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException(
          "corrupt completed-offsets metadata: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}

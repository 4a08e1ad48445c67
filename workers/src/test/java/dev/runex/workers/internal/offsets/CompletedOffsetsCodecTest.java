package dev.runex.workers.internal.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CompletedOffsetsCodecTest {

  @Test
  void encodesNothingAsEmptyMetadata() {
    assertThat(CompletedOffsetsCodec.encode(100)).isEmpty();
    assertThat(CompletedOffsetsCodec.decode(100, "")).isEmpty();
    assertThat(CompletedOffsetsCodec.decode(100, null)).isEmpty();
  }

  @Test
  void ignoresOffsetsAtOrBelowTheBase() {
    String metadata = CompletedOffsetsCodec.encode(100, 90L, 100L, 103L);

    assertThat(CompletedOffsetsCodec.decode(100, metadata)).containsExactly(103L);
  }

  @Test
  void roundTripsRandomCompletionSets() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      long base = random.nextInt(1_000_000);
      int window = 1 + random.nextInt(9000);
      double density = random.nextDouble();
      TreeSet<Long> finished = new TreeSet<>();
      for (long o = base + 1; o <= base + window; o++) {
        if (random.nextDouble() < density) {
          finished.add(o);
        }
      }

      long[] decoded =
          CompletedOffsetsCodec.decode(base, CompletedOffsetsCodec.encode(base, array(finished)));

      assertThat(decoded).containsExactly(finished.stream().mapToLong(Long::longValue).toArray());
    }
  }

  @Test
  void staysFarBelowKafkasMetadataLimitForTheLargestWindow() {
    // worst case: an incompressible pattern over the capped window plus a full poll batch
    Random random = new Random(7);
    long base = 5_000_000L;
    TreeSet<Long> finished = new TreeSet<>();
    for (long o = base + 1; o <= base + 16_384 + 500; o++) {
      if (random.nextBoolean()) {
        finished.add(o);
      }
    }

    String metadata = CompletedOffsetsCodec.encode(base, array(finished));

    assertThat(metadata.length()).isLessThan(3_000);
  }

  @Test
  void compressesLongRunsToAFewBytes() {
    TreeSet<Long> finished = new TreeSet<>();
    LongStream.rangeClosed(2, 8_000).forEach(finished::add);

    String metadata = CompletedOffsetsCodec.encode(0, array(finished));

    assertThat(metadata).startsWith("rx1Z");
    assertThat(metadata.length()).isLessThan(64);
    assertThat(CompletedOffsetsCodec.decode(0, metadata))
        .hasSize(7_999)
        .startsWith(2L)
        .endsWith(8_000L);
  }

  @Test
  void rejectsMetadataItDidNotWrite() {
    assertThatThrownBy(() -> CompletedOffsetsCodec.decode(0, "some other tool's note"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompletedOffsetsCodec.decode(0, "rx1Q AAAA"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CompletedOffsetsCodec.decode(0, "rx1Zbm90LWRlZmxhdGU"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static long[] array(TreeSet<Long> offsets) {
    return offsets.stream().mapToLong(Long::longValue).toArray();
  }
}

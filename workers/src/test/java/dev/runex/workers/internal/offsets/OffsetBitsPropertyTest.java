package dev.runex.workers.internal.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link OffsetBits} against a {@code TreeSet<Long>} over random adds, removes and cuts, with
 * offsets near a moving point (as a partition's are), now and then far above or below it: the same
 * answers and the same contents after every step.
 */
class OffsetBitsPropertyTest {

  /**
   * kind: 0-3 add, 4-5 remove, 6 remove below, 7 clear; delta: the offset's distance from the
   * point.
   */
  record Op(int kind, int delta, boolean far) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(-70, 300),
                Arbitraries.integers().between(0, 30).map(i -> i == 0))
            .as(Op::new);
    return op.list().ofMaxSize(400);
  }

  @Property(tries = 400)
  void answersAsASortedSetDoes(@ForAll("ops") List<Op> ops) {
    OffsetBits bits = new OffsetBits();
    TreeSet<Long> model = new TreeSet<>();
    long point = 1_000_000L;
    for (Op op : ops) {
      long offset =
          Math.max(0, point + op.delta() + (op.far() ? 5_000L * Long.signum(op.delta()) : 0));
      switch (op.kind()) {
        case 0, 1, 2, 3 -> {
          assertThat(bits.add(offset)).isEqualTo(model.add(offset));
          point += 3; // offsets creep up as the partition is read
        }
        case 4, 5 -> assertThat(bits.remove(offset)).isEqualTo(model.remove(offset));
        case 6 -> {
          bits.removeBelow(offset);
          model.headSet(offset).clear();
        }
        default -> {
          bits.clear();
          model.clear();
        }
      }
      assertThat(bits.size()).isEqualTo(model.size());
      assertThat(bits.isEmpty()).isEqualTo(model.isEmpty());
      assertThat(bits.first()).isEqualTo(model.isEmpty() ? -1 : model.first());
      assertThat(bits.contains(offset)).isEqualTo(model.contains(offset));
      assertThat(bits.contains(offset + 1)).isEqualTo(model.contains(offset + 1));
      assertThat(bits.toArray())
          .containsExactly(model.stream().mapToLong(Long::longValue).toArray());
    }
  }
}

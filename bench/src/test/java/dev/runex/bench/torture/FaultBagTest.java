package dev.runex.bench.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fault order of a run: each kind once before repeats, the same for the same seed. */
class FaultBagTest {
  private static final List<FaultKind> ALL = List.of(FaultKind.values());

  private static List<FaultKind> draw(FaultBag bag, int n) {
    List<FaultKind> drawn = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      drawn.add(bag.next(k -> true).orElseThrow());
    }
    return drawn;
  }

  @Test
  void everyKindComesOnceBeforeAnyRepeats() {
    FaultBag bag = new FaultBag(ALL, new Random(42));
    List<FaultKind> drawn = draw(bag, ALL.size() * 3);
    for (int round = 0; round < 3; round++) {
      List<FaultKind> oneRound = drawn.subList(round * ALL.size(), (round + 1) * ALL.size());
      assertThat(EnumSet.copyOf(oneRound)).containsExactlyInAnyOrderElementsOf(ALL);
    }
  }

  @Test
  void theSameSeedDrawsTheSameOrderAndAnotherSeedAnother() {
    List<FaultKind> first = draw(new FaultBag(ALL, new Random(42)), 16);
    assertThat(draw(new FaultBag(ALL, new Random(42)), 16)).isEqualTo(first);
    assertThat(draw(new FaultBag(ALL, new Random(43)), 16)).isNotEqualTo(first);
  }

  @Test
  void aKindThatDoesNotFitIsPassedOverAndComesLater() {
    FaultBag bag = new FaultBag(ALL, new Random(7));
    List<FaultKind> shortOnes = new ArrayList<>();
    for (int i = 0; i < ALL.size() - 1; i++) {
      shortOnes.add(bag.next(k -> k != FaultKind.REGISTRY_STOP).orElseThrow());
    }
    assertThat(shortOnes).doesNotContain(FaultKind.REGISTRY_STOP).doesNotHaveDuplicates();
    assertThat(bag.next(k -> true)).contains(FaultKind.REGISTRY_STOP);
  }

  @Test
  void whenOnlyAKindAlreadyDrawnFitsANewRoundStarts() {
    FaultBag bag =
        new FaultBag(List.of(FaultKind.WORKER_KILL, FaultKind.REGISTRY_STOP), new Random(1));
    assertThat(bag.next(k -> k == FaultKind.WORKER_KILL)).contains(FaultKind.WORKER_KILL);
    assertThat(bag.next(k -> k == FaultKind.WORKER_KILL)).contains(FaultKind.WORKER_KILL);
  }

  @Test
  void nothingIsDrawnWhenNoKindFits() {
    FaultBag bag = new FaultBag(ALL, new Random(1));
    assertThat(bag.next(k -> false)).isEmpty();
    assertThatThrownBy(() -> new FaultBag(List.of(), new Random(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

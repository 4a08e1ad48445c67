package dev.runex.bench.torture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The order in which a run draws its fault kinds: every kind once, in an order shuffled from the
 * run's seed, before any kind comes again. A short run therefore covers as many different kinds as
 * it has faults, and the same seed draws the same kinds, whatever the machine's speed, as long as
 * each drawn kind still fits the time left; one that does not is passed over and stays in the bag.
 */
final class FaultBag {
  private final List<FaultKind> kinds;
  private final Random random;
  private final List<FaultKind> bag = new ArrayList<>();

  FaultBag(List<FaultKind> kinds, Random random) {
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("no fault kinds to draw from");
    }
    this.kinds = List.copyOf(kinds);
    this.random = random;
  }

  /**
   * The next kind that {@code fits}, taken out of the bag; empty when no kind fits at all. When
   * nothing left in the bag fits but a kind drawn earlier in this round would, a new round starts
   * (the kinds left over are those too long for the time left).
   */
  Optional<FaultKind> next(Predicate<FaultKind> fits) {
    if (kinds.stream().noneMatch(fits)) {
      return Optional.empty();
    }
    while (true) {
      if (bag.isEmpty()) {
        bag.addAll(kinds);
        Collections.shuffle(bag, random);
      }
      for (Iterator<FaultKind> it = bag.iterator(); it.hasNext(); ) {
        FaultKind kind = it.next();
        if (fits.test(kind)) {
          it.remove();
          return Optional.of(kind);
        }
      }
      bag.clear();
    }
  }
}

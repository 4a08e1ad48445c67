package dev.runex.workers.internal.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link KeyedDispatcher} against a plain model of what it promises, over random sequences of
 * offers, starts (some with a test that rejects items), holds and unholds, releases, removals and
 * clears: the same items start in the same order, and the counts agree after every step.
 */
class KeyedDispatcherPropertyTest {

  private static final int RANKS = 3;

  record Item(int key, int seq, int rank) {}

  /**
   * kind: 0-3 offer, 4-6 next, 7 next with a test, 8-9 release, 10 remove, 11 clear, 12 next and
   * hold what it gave, 13 unhold.
   */
  record Op(int kind, int key, int rank, int seqParity) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 13),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, RANKS - 1),
                Arbitraries.integers().between(0, 1))
            .as(Op::new);
    return op.list().ofMaxSize(300);
  }

  @Property(tries = 500)
  void startsWhatTheModelStarts(
      @ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 4) int maxActive) {
    KeyedDispatcher<Integer, Item> dispatcher =
        new KeyedDispatcher<>(maxActive, Item::key, Item::rank, RANKS);
    Model model = new Model(maxActive);
    int seq = 0;
    for (Op op : ops) {
      switch (op.kind()) {
        case 0, 1, 2, 3 -> {
          Item item = new Item(op.key(), seq++, op.rank());
          dispatcher.offer(item);
          model.offer(item);
        }
        case 4, 5, 6 -> assertThat(dispatcher.next()).isEqualTo(model.next(i -> true));
        case 7 -> {
          Predicate<Item> test = i -> i.seq() % 2 == op.seqParity();
          assertThat(dispatcher.next(test)).as("next with a test").isEqualTo(model.next(test));
        }
        case 8, 9 -> {
          dispatcher.release(op.key());
          model.release(op.key());
        }
        case 10 -> {
          Predicate<Item> which = i -> i.key() == op.key() || i.seq() % 3 == op.rank();
          assertThat(dispatcher.removeQueuedIf(which))
              .containsExactlyInAnyOrderElementsOf(model.removeIf(which));
        }
        case 11 -> {
          dispatcher.clearQueued();
          model.clear();
        }
        case 12 -> {
          Item taken = dispatcher.next();
          assertThat(taken).isEqualTo(model.next(i -> true));
          if (taken != null) {
            dispatcher.hold(taken);
            model.hold(taken);
          }
        }
        default -> {
          dispatcher.unhold(op.key());
          model.unhold(op.key());
        }
      }
      assertThat(dispatcher.held()).isEqualTo(model.held());
      assertThat(dispatcher.heldHeads())
          .containsExactlyInAnyOrderElementsOf(
              model.held.stream().map(k -> model.queues.get(k).peekFirst()).toList());
      assertThat(dispatcher.active()).isEqualTo(model.active.size());
      assertThat(dispatcher.queued()).isEqualTo(model.queuedUpTo(RANKS - 1));
      for (int r = 0; r < RANKS; r++) {
        assertThat(dispatcher.queuedUpToRank(r)).isEqualTo(model.queuedUpTo(r));
      }
    }
  }

  /**
   * The promise, kept simple: a key is ready (not running, items waiting) since a moment; the next
   * item is the head of the oldest ready key among those whose head has the lowest rank, unless the
   * test rejects it, and then the next rank is tried. A key whose head changes rank on removal
   * becomes the newest of its new rank (several in the order they had become ready). A held key is
   * neither ready nor running, and its items count as held until it is unheld.
   */
  private static final class Model {
    final int maxActive;
    final Map<Integer, Deque<Item>> queues = new LinkedHashMap<>();
    final Set<Integer> active = new HashSet<>();
    final Set<Integer> held = new HashSet<>();
    final Map<Integer, Long> readySince = new LinkedHashMap<>();
    long clock;

    Model(int maxActive) {
      this.maxActive = maxActive;
    }

    void offer(Item item) {
      queues.computeIfAbsent(item.key(), k -> new ArrayDeque<>()).addLast(item);
      if (!active.contains(item.key())
          && !held.contains(item.key())
          && !readySince.containsKey(item.key())) {
        readySince.put(item.key(), clock++);
      }
    }

    Item next(Predicate<Item> startable) {
      if (active.size() >= maxActive) {
        return null;
      }
      for (int r = 0; r < RANKS; r++) {
        Integer oldest = null;
        for (Map.Entry<Integer, Long> e : readySince.entrySet()) {
          if (queues.get(e.getKey()).peekFirst().rank() == r
              && (oldest == null || e.getValue() < readySince.get(oldest))) {
            oldest = e.getKey();
          }
        }
        if (oldest == null || !startable.test(queues.get(oldest).peekFirst())) {
          continue;
        }
        readySince.remove(oldest);
        active.add(oldest);
        Item item = queues.get(oldest).pollFirst();
        if (queues.get(oldest).isEmpty()) {
          queues.remove(oldest);
        }
        return item;
      }
      return null;
    }

    void release(int key) {
      if (active.remove(key) && queues.containsKey(key) && !held.contains(key)) {
        readySince.put(key, clock++);
      }
    }

    void hold(Item item) {
      active.remove(item.key());
      readySince.remove(item.key());
      queues.computeIfAbsent(item.key(), k -> new ArrayDeque<>()).addFirst(item);
      held.add(item.key());
    }

    void unhold(int key) {
      if (held.remove(key) && !active.contains(key)) {
        readySince.put(key, clock++);
      }
    }

    int held() {
      return held.stream().mapToInt(k -> queues.get(k).size()).sum();
    }

    List<Item> removeIf(Predicate<Item> which) {
      List<Item> removed = new ArrayList<>();
      List<Integer> moved = new ArrayList<>();
      for (Integer key : new ArrayList<>(queues.keySet())) {
        Deque<Item> queue = queues.get(key);
        int rankBefore = queue.peekFirst().rank();
        queue.removeIf(i -> which.test(i) && removed.add(i));
        if (queue.isEmpty()) {
          queues.remove(key);
          readySince.remove(key);
          held.remove(key);
        } else if (readySince.containsKey(key) && queue.peekFirst().rank() != rankBefore) {
          moved.add(key);
        }
      }
      moved.sort(Comparator.comparingLong(readySince::get));
      moved.forEach(key -> readySince.put(key, clock++));
      return removed;
    }

    void clear() {
      queues.clear();
      readySince.clear();
      held.clear();
    }

    int queuedUpTo(int rank) {
      return (int)
          queues.values().stream()
              .flatMap(Deque::stream)
              .filter(i -> i.rank() <= rank && !held.contains(i.key()))
              .count();
    }
  }
}

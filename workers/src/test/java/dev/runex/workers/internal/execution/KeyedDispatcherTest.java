package dev.runex.workers.internal.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyedDispatcherTest {

  /** An item: key and sequence number within the key. */
  record Item(String key, int seq) {}

  @Test
  void runsItemsOfOneKeyOneAtATimeInOfferOrder() {
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(8, Item::key);
    dispatcher.offer(new Item("a", 1));
    dispatcher.offer(new Item("a", 2));

    Item first = dispatcher.next();
    assertThat(first).isEqualTo(new Item("a", 1));
    assertThat(dispatcher.next()).as("a is busy").isNull();

    dispatcher.release("a");
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 2));
  }

  @Test
  void runsDifferentKeysConcurrentlyUpToTheLimit() {
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(3, Item::key);
    for (String k : List.of("a", "b", "c", "d")) {
      dispatcher.offer(new Item(k, 1));
    }

    List<Item> started = new ArrayList<>();
    Item next;
    while ((next = dispatcher.next()) != null) {
      started.add(next);
    }

    assertThat(started).extracting(Item::key).containsExactly("a", "b", "c");
    assertThat(dispatcher.active()).isEqualTo(3);
    dispatcher.release("b");
    assertThat(dispatcher.next()).isEqualTo(new Item("d", 1));
  }

  @Test
  void neverRunsTwoItemsOfAKeyAtOnceAndKeepsEachKeysOrderUnderRandomCompletion() {
    Random random = new Random(11);
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(4, Item::key);
    Map<String, Integer> offered = new HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      String key = "k" + random.nextInt(10);
      dispatcher.offer(new Item(key, offered.merge(key, 1, Integer::sum)));
    }

    Map<String, Integer> lastRun = new HashMap<>();
    Set<String> running = new HashSet<>();
    List<Item> inFlight = new ArrayList<>();
    int done = 0;
    while (done < 2_000) {
      Item next;
      while ((next = dispatcher.next()) != null) {
        assertThat(running.add(next.key())).as("key %s already running", next.key()).isTrue();
        assertThat(next.seq()).isEqualTo(lastRun.getOrDefault(next.key(), 0) + 1);
        lastRun.put(next.key(), next.seq());
        inFlight.add(next);
      }
      assertThat(inFlight.size()).isBetween(1, 4);
      Item finished = inFlight.remove(random.nextInt(inFlight.size()));
      running.remove(finished.key());
      dispatcher.release(finished.key());
      done++;
    }
    assertThat(dispatcher.queued()).isZero();
  }

  @Test
  void aParkedItemWaitsOutsideItsKeysQueueUntilItIsDueThenQueuesBehindWhatTheKeyHas() {
    // given: a1 parked until 1,000, a2 of the same key offered now, b1 parked until 500
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(4, Item::key);
    dispatcher.park(new Item("a", 1), 1_000);
    dispatcher.offer(new Item("a", 2));
    dispatcher.park(new Item("b", 1), 500);

    // then: only a2 is queued; the next due time is b1's
    assertThat(dispatcher.queued()).isEqualTo(1);
    assertThat(dispatcher.parked()).isEqualTo(2);
    assertThat(dispatcher.nextDueMillis()).isEqualTo(500);
    assertThat(dispatcher.offerDue(499)).as("nothing due before 500").isZero();
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 2));
    assertThat(dispatcher.next()).as("b1 is not due").isNull();

    // when: 500 comes, then 1,000
    assertThat(dispatcher.offerDue(500)).isEqualTo(1);
    assertThat(dispatcher.next()).isEqualTo(new Item("b", 1));
    assertThat(dispatcher.offerDue(1_000)).isEqualTo(1);

    // then: a1 waits for its key, which a2 holds
    assertThat(dispatcher.parked()).isZero();
    assertThat(dispatcher.nextDueMillis()).isEqualTo(Long.MAX_VALUE);
    assertThat(dispatcher.next()).as("a is busy with a2").isNull();
    dispatcher.release("a");
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 1));
  }

  @Test
  void parkedItemsDueAtOnceAreOfferedEarliestFirstAndInParkingOrderOnATie() {
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(1, Item::key);
    dispatcher.park(new Item("c", 1), 300);
    dispatcher.park(new Item("a", 1), 200);
    dispatcher.park(new Item("b", 1), 200);

    assertThat(dispatcher.offerDue(1_000)).isEqualTo(3);

    List<Item> started = new ArrayList<>();
    Item next;
    while ((next = dispatcher.next()) != null) {
      started.add(next);
      dispatcher.release(next.key());
    }
    assertThat(started).containsExactly(new Item("a", 1), new Item("b", 1), new Item("c", 1));
  }

  @Test
  void clearingAndRemovingDropParkedItemsToo() {
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(4, Item::key);
    dispatcher.park(new Item("a", 1), 100);
    dispatcher.park(new Item("b", 1), 100);
    dispatcher.offer(new Item("b", 2));

    assertThat(dispatcher.removeQueuedIf(i -> i.key().equals("b")))
        .containsExactlyInAnyOrder(new Item("b", 1), new Item("b", 2));
    assertThat(dispatcher.parked()).isEqualTo(1);

    dispatcher.clearQueued();
    assertThat(dispatcher.parked()).isZero();
    assertThat(dispatcher.offerDue(Long.MAX_VALUE)).isZero();
    assertThat(dispatcher.next()).isNull();
  }

  @Test
  void clearingTheQueueKeepsARunningKeyLocked() {
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(4, Item::key);
    dispatcher.offer(new Item("a", 1));
    dispatcher.next();
    dispatcher.offer(new Item("a", 2));

    dispatcher.clearQueued();
    dispatcher.offer(new Item("a", 2));

    assertThat(dispatcher.next()).as("a still runs its first item").isNull();
    dispatcher.release("a");
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 2));
  }

  @Test
  void removesQueuedItemsThatMatch() {
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(4, Item::key);
    dispatcher.offer(new Item("a", 1));
    dispatcher.offer(new Item("b", 1));
    dispatcher.offer(new Item("b", 2));

    dispatcher.removeQueuedIf(i -> i.key().equals("b"));

    assertThat(dispatcher.queued()).isEqualTo(1);
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 1));
    assertThat(dispatcher.next()).isNull();
  }

  @Test
  void heldItemKeepsItsKeyWaitingWithoutUsingASlotUntilUnheld() {
    // given
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(1, Item::key);
    dispatcher.offer(new Item("a", 1));
    dispatcher.offer(new Item("a", 2));
    dispatcher.offer(new Item("b", 1));

    // when: a's head may not start
    dispatcher.hold(dispatcher.next());
    dispatcher.offer(new Item("a", 3));

    // then: b runs in the only slot, a's items wait and do not count as queued
    assertThat(dispatcher.held()).isEqualTo(3);
    assertThat(dispatcher.queued()).isEqualTo(1);
    assertThat(dispatcher.heldHeads()).containsExactly(new Item("a", 1));
    assertThat(dispatcher.next()).isEqualTo(new Item("b", 1));
    dispatcher.release("b");
    assertThat(dispatcher.next()).isNull();

    // when
    dispatcher.unhold("a");

    // then: in their order
    assertThat(dispatcher.held()).isZero();
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 1));
    dispatcher.release("a");
    assertThat(dispatcher.next()).isEqualTo(new Item("a", 2));
  }

  @Test
  void removingQueuedItemsReturnsThemAndKeepsHeldCountsRight() {
    // given
    KeyedDispatcher<String, Item> dispatcher = new KeyedDispatcher<>(2, Item::key);
    dispatcher.offer(new Item("a", 1));
    dispatcher.offer(new Item("a", 2));
    dispatcher.hold(dispatcher.next());

    // when
    List<Item> removed = dispatcher.removeQueuedIf(i -> i.seq() == 2);

    // then
    assertThat(removed).containsExactly(new Item("a", 2));
    assertThat(dispatcher.held()).isEqualTo(1);
    assertThat(dispatcher.removeQueuedIf(i -> true)).containsExactly(new Item("a", 1));
    assertThat(dispatcher.held()).isZero();
    assertThat(dispatcher.heldHeads()).isEmpty();
  }

  /** An item with a rank (0 first). */
  record Ranked(String key, int seq, int rank) {}

  @Test
  void startsReadyKeysOfTheLowestRankFirstAndOldestFirstWithinARank() {
    // given: a low (2) backlog, then high (0) and normal (1) items arrive
    KeyedDispatcher<String, Ranked> dispatcher =
        new KeyedDispatcher<>(8, Ranked::key, Ranked::rank, 3);
    for (int i = 1; i <= 3; i++) {
      dispatcher.offer(new Ranked("low" + i, 1, 2));
    }
    dispatcher.offer(new Ranked("normal", 1, 1));
    dispatcher.offer(new Ranked("high1", 1, 0));
    dispatcher.offer(new Ranked("high2", 1, 0));

    // when
    List<String> started = new ArrayList<>();
    Ranked next;
    while ((next = dispatcher.next()) != null) {
      started.add(next.key());
    }

    // then
    assertThat(started).containsExactly("high1", "high2", "normal", "low1", "low2", "low3");
  }

  /** Key k with a low item, then a high one; key "other" with a normal one. */
  private static KeyedDispatcher<String, Ranked> lowThenHighKeyBesideANormalOne() {
    KeyedDispatcher<String, Ranked> dispatcher =
        new KeyedDispatcher<>(8, Ranked::key, Ranked::rank, 3);
    dispatcher.offer(new Ranked("k", 1, 2));
    dispatcher.offer(new Ranked("k", 2, 0));
    dispatcher.offer(new Ranked("other", 1, 1));
    return dispatcher;
  }

  @Test
  void aRankNeverReordersOneKeysItems() {
    // given: key k has a low item first, then a high one
    KeyedDispatcher<String, Ranked> dispatcher = lowThenHighKeyBesideANormalOne();

    // then: k waits at the rank of its head (low), so "other" (normal) goes first, and k keeps its
    // order
    assertThat(dispatcher.next()).isEqualTo(new Ranked("other", 1, 1));
    assertThat(dispatcher.next()).isEqualTo(new Ranked("k", 1, 2));
    assertThat(dispatcher.next()).as("k is busy").isNull();
    dispatcher.release("k");
    assertThat(dispatcher.next()).isEqualTo(new Ranked("k", 2, 0));
  }

  @Test
  void countsQueuedItemsUpToARankLeavingHeldOnesOut() {
    // given
    KeyedDispatcher<String, Ranked> dispatcher =
        new KeyedDispatcher<>(8, Ranked::key, Ranked::rank, 3);
    dispatcher.offer(new Ranked("h", 1, 0));
    dispatcher.offer(new Ranked("n", 1, 1));
    dispatcher.offer(new Ranked("l1", 1, 2));
    dispatcher.offer(new Ranked("l2", 1, 2));

    // when: the high item is taken and held (its tenant is paused)
    dispatcher.hold(dispatcher.next());

    // then
    assertThat(dispatcher.queuedUpToRank(0)).isZero();
    assertThat(dispatcher.queuedUpToRank(1)).isEqualTo(1);
    assertThat(dispatcher.queuedUpToRank(2)).isEqualTo(3);
    assertThat(dispatcher.queued()).isEqualTo(3);
    assertThat(dispatcher.held()).isEqualTo(1);
    dispatcher.unhold("h");
    assertThat(dispatcher.queuedUpToRank(0)).isEqualTo(1);
    assertThat(dispatcher.next()).isEqualTo(new Ranked("h", 1, 0));
  }

  @Test
  void aKeyWhoseHeadIsRemovedWaitsAtItsNewHeadsRank() {
    // given: k's head is low, its second item high; "other" is normal
    KeyedDispatcher<String, Ranked> dispatcher = lowThenHighKeyBesideANormalOne();

    // when
    dispatcher.removeQueuedIf(r -> r.key().equals("k") && r.seq() == 1);

    // then
    assertThat(dispatcher.next()).isEqualTo(new Ranked("k", 2, 0));
    assertThat(dispatcher.next()).isEqualTo(new Ranked("other", 1, 1));
  }

  @Test
  void anItemTheTestRejectsStaysQueuedAndPassesItsRankOverUntilItIsAccepted() {
    // given: a normal backlog fetched in two polls (seq = poll), and one low item from the first
    KeyedDispatcher<String, Ranked> dispatcher =
        new KeyedDispatcher<>(8, Ranked::key, Ranked::rank, 3);
    dispatcher.offer(new Ranked("n1", 1, 1));
    dispatcher.offer(new Ranked("n2", 2, 1));
    dispatcher.offer(new Ranked("n3", 2, 1));
    dispatcher.offer(new Ranked("low", 1, 2));

    // when: only the first poll's items may start (the second's are not yet fresh)
    List<String> started = new ArrayList<>();
    Ranked next;
    while ((next = dispatcher.next(item -> item.seq() == 1)) != null) {
      started.add(next.key());
    }

    // then: the normal rank stops at its first rejected head; the low rank still goes; the
    // rejected items are queued, not held, and start in their order once accepted
    assertThat(started).containsExactly("n1", "low");
    assertThat(dispatcher.queued()).isEqualTo(2);
    assertThat(dispatcher.held()).isZero();
    assertThat(dispatcher.next(item -> true)).isEqualTo(new Ranked("n2", 2, 1));
    assertThat(dispatcher.next(item -> true)).isEqualTo(new Ranked("n3", 2, 1));
    assertThat(dispatcher.next(item -> true)).isNull();
    assertThat(dispatcher.active()).isEqualTo(4);
  }
}

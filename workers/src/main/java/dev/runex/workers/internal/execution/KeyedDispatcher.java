package dev.runex.workers.internal.execution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Key-level concurrency inside a partition (as Confluent's Parallel Consumer does it): items with
 * different keys may run at the same time, up to {@code maxActive}; items with the same key run
 * strictly one at a time, in the order they were offered. Keys become ready in the order their
 * first waiting item arrived, so no key starves.
 *
 * <p>A key stays active until {@link #release} — also across {@link #clearQueued()}, so a job still
 * running from before a rewind keeps later jobs of its key waiting. Not thread-safe: the poll loop
 * owns it.
 *
 * <p>An item that may not start yet (its tenant, type or pool is paused) is {@link #hold held}: it
 * goes back to the head of its key's queue and the key is skipped — it neither runs nor counts
 * against {@code maxActive} — until {@link #unhold}, so the key's order is kept and other keys go
 * on.
 *
 * <p>Items may carry a rank (0 first: job priority): among the ready keys, those whose head item
 * has the lowest rank start first, oldest first within a rank. Ranks never reorder one key's items;
 * a key waits at the rank of its head item.
 *
 * @param <K> ordering key
 * @param <T> item
 */
public final class KeyedDispatcher<K, T> {
  private final int maxActive;
  private final Function<T, K> keyOf;
  private final ToIntFunction<T> rankOf;
  private final Map<K, ArrayDeque<T>> queues = new HashMap<>();
  private final Set<K> active = new HashSet<>();

  /** Keys with waiting items and nothing running: per rank of their head item, oldest first. */
  private final List<LinkedHashSet<K>> ready = new ArrayList<>();

  private final Map<K, Integer> readyRank = new HashMap<>();

  /**
   * Keys whose head item is held back; their items count in {@link #held()}, not {@link #queued()}.
   */
  private final Set<K> held = new HashSet<>();

  /** Items in the queues (held ones included), and the held ones, per rank. */
  private final int[] queued;

  private final int[] heldItems;

  public KeyedDispatcher(int maxActive, Function<T, K> keyOf) {
    this(maxActive, keyOf, item -> 0, 1);
  }

  /** With ranks: {@code rankOf} gives each item a rank in [0, ranks), 0 starting first. */
  public KeyedDispatcher(int maxActive, Function<T, K> keyOf, ToIntFunction<T> rankOf, int ranks) {
    if (maxActive < 1 || ranks < 1) {
      throw new IllegalArgumentException(
          "maxActive and ranks must be >= 1, were " + maxActive + " and " + ranks);
    }
    this.maxActive = maxActive;
    this.keyOf = keyOf;
    this.rankOf = rankOf;
    this.queued = new int[ranks];
    this.heldItems = new int[ranks];
    for (int i = 0; i < ranks; i++) {
      ready.add(new LinkedHashSet<>());
    }
  }

  public void offer(T item) {
    K key = keyOf.apply(item);
    queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(item);
    queued[rank(item)]++;
    if (held.contains(key)) {
      heldItems[rank(item)]++;
    } else if (!active.contains(key)) {
      makeReady(key);
    }
  }

  /**
   * {@code item}, just taken by {@link #next()}, may not start yet: it waits at its key's head
   * until {@link #unhold}.
   */
  public void hold(T item) {
    K key = keyOf.apply(item);
    active.remove(key);
    unready(key);
    ArrayDeque<T> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
    queue.addFirst(item);
    queued[rank(item)]++;
    if (held.add(key)) {
      queue.forEach(i -> heldItems[rank(i)]++);
    } else {
      heldItems[rank(item)]++;
    }
  }

  /** Lets a held key's items start again, in order. */
  public void unhold(K key) {
    if (!held.remove(key)) {
      return;
    }
    ArrayDeque<T> queue = queues.get(key);
    if (queue != null) {
      queue.forEach(i -> heldItems[rank(i)]--);
      if (!active.contains(key)) {
        makeReady(key);
      }
    }
  }

  /** The first item of every held key. */
  public List<T> heldHeads() {
    List<T> heads = new ArrayList<>(held.size());
    for (K key : held) {
      ArrayDeque<T> queue = queues.get(key);
      if (queue != null && !queue.isEmpty()) {
        heads.add(queue.peekFirst());
      }
    }
    return heads;
  }

  /**
   * The next item to start (its key becomes active), or null when at the limit or nothing is ready.
   */
  public T next() {
    return next(item -> true);
  }

  /**
   * The next item to start that {@code startable} accepts (its key becomes active), or null. A rank
   * whose first ready key has a head item {@code startable} rejects is passed over whole, and lower
   * ranks are tried: its other keys became ready after that one, so for a test on when items were
   * fetched their heads would mostly be rejected too. Passed-over items stay queued, not held.
   */
  public T next(Predicate<T> startable) {
    if (active.size() >= maxActive || readyRank.isEmpty()) {
      return null;
    }
    for (LinkedHashSet<K> keys : ready) {
      if (keys.isEmpty()) {
        continue;
      }
      K key = keys.iterator().next();
      ArrayDeque<T> queue = queues.get(key);
      if (!startable.test(queue.peekFirst())) {
        continue;
      }
      unready(key);
      T item = queue.pollFirst();
      if (queue.isEmpty()) {
        queues.remove(key);
      }
      queued[rank(item)]--;
      active.add(key);
      return item;
    }
    return null;
  }

  /** The item of {@code key} finished (or was abandoned): the key's next item may start. */
  public void release(K key) {
    if (active.remove(key) && queues.containsKey(key) && !held.contains(key)) {
      makeReady(key);
    }
  }

  public K keyOf(T item) {
    return keyOf.apply(item);
  }

  /** Drops every waiting item (they will be fetched again); active keys stay active. */
  public void clearQueued() {
    queues.clear();
    ready.forEach(Set::clear);
    readyRank.clear();
    held.clear();
    Arrays.fill(queued, 0);
    Arrays.fill(heldItems, 0);
  }

  /**
   * Drops the waiting (and held) items that match (for instance those of revoked partitions);
   * returns them.
   */
  public List<T> removeQueuedIf(Predicate<T> filter) {
    List<T> removed = new ArrayList<>();
    Iterator<Map.Entry<K, ArrayDeque<T>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, ArrayDeque<T>> e = it.next();
      boolean isHeld = held.contains(e.getKey());
      e.getValue().removeIf(item -> filter.test(item) && removed.add(item) && count(item, isHeld));
      if (e.getValue().isEmpty()) {
        unready(e.getKey());
        held.remove(e.getKey());
        it.remove();
      } else if (readyRank.containsKey(e.getKey())) {
        unready(e.getKey()); // its head may have changed, and with it its rank
        makeReady(e.getKey());
      }
    }
    return removed;
  }

  /** Items waiting to start (fetched, not started, not held back). */
  public int queued() {
    return queuedUpToRank(queued.length - 1);
  }

  /**
   * Items waiting to start (not held back) whose rank is at most {@code rank}: those that start
   * before the rank's next.
   */
  public int queuedUpToRank(int rank) {
    int n = 0;
    for (int r = 0; r <= rank && r < queued.length; r++) {
      n += queued[r] - heldItems[r];
    }
    return n;
  }

  /** Items held back: the held items and those queued behind them on their keys. */
  public int held() {
    return Arrays.stream(heldItems).sum();
  }

  /** The item's rank, clamped into [0, ranks). */
  public int rank(T item) {
    return Math.max(0, Math.min(queued.length - 1, rankOf.applyAsInt(item)));
  }

  /** A removed item leaves the counts (always true, for use in a removeIf predicate). */
  private boolean count(T item, boolean isHeld) {
    queued[rank(item)]--;
    if (isHeld) {
      heldItems[rank(item)]--;
    }
    return true;
  }

  /**
   * Puts a key with waiting items among the ready ones, at its head item's rank (kept if already
   * there).
   */
  private void makeReady(K key) {
    if (readyRank.containsKey(key)) {
      return;
    }
    int r = rank(queues.get(key).peekFirst());
    ready.get(r).add(key);
    readyRank.put(key, r);
  }

  private void unready(K key) {
    Integer r = readyRank.remove(key);
    if (r != null) {
      ready.get(r).remove(key);
    }
  }

  /** Keys with an item running. */
  public int active() {
    return active.size();
  }
}

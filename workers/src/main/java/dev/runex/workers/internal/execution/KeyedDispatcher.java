package dev.runex.workers.internal.execution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
 * <p>An item that may not start before a time (a job fetched before it is due) is {@link #park
 * parked}: it waits outside the key queues, counted in {@link #parked()} and not in {@link
 * #queued()}, until {@link #offerDue} offers it at that time — behind the items its key already has
 * then. {@link #clearQueued()} and {@link #removeQueuedIf} drop parked items too.
 *
 * <p>Each item passes through it once per job, on the worker's poll thread, so each key's state is
 * one object found by one hash lookup, and the ready keys of a rank are a list linked through those
 * objects: an offer, a start and a release cost a lookup each and no other search.
 *
 * @param <K> ordering key
 * @param <T> item
 */
public final class KeyedDispatcher<K, T> {
  private final int maxActive;
  private final Function<T, K> keyOf;
  private final ToIntFunction<T> rankOf;

  /** Keys with waiting items or an item running; a key with neither is forgotten. */
  private final Map<K, KeyState<K, T>> keys = new HashMap<>();

  /** Per rank, the ready keys (waiting items, nothing running), oldest first. */
  private final ReadyList<K, T>[] ready;

  /**
   * Keys whose head item is held back; their items count in {@link #held()}, not {@link #queued()}.
   */
  private final Map<K, KeyState<K, T>> heldKeys = new LinkedHashMap<>();

  private int readyKeys;
  private int activeKeys;

  /** How many times a key became ready: the age order of ready keys across ranks. */
  private long readyCount;

  /** Items in the queues (held ones included), and the held ones, per rank. */
  private final int[] queued;

  private final int[] heldItems;

  /** Items that may not start yet, the earliest due first (then in the order they were parked). */
  private final PriorityQueue<Parked<T>> parked =
      new PriorityQueue<>(
          Comparator.<Parked<T>>comparingLong(Parked::dueMillis).thenComparingLong(Parked::seq));

  /** How many items were ever parked: the order of items due at the same time. */
  private long parkSeq;

  public KeyedDispatcher(int maxActive, Function<T, K> keyOf) {
    this(maxActive, keyOf, item -> 0, 1);
  }

  /** With ranks: {@code rankOf} gives each item a rank in [0, ranks), 0 starting first. */
  @SuppressWarnings("unchecked")
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
    this.ready = new ReadyList[ranks];
    for (int i = 0; i < ranks; i++) {
      ready[i] = new ReadyList<>();
    }
  }

  public void offer(T item) {
    KeyState<K, T> state = stateOf(keyOf.apply(item));
    int rank = rank(item);
    state.queue.addLast(new Waiting<>(item, rank));
    queued[rank]++;
    if (state.held) {
      heldItems[rank]++;
    } else if (!state.active && state.readyRank < 0) {
      makeReady(state);
    }
  }

  /**
   * {@code item} may not start before {@code dueMillis} (epoch millis): it waits, in none of the
   * key queues, until {@link #offerDue} is called at or after that time.
   */
  public void park(T item, long dueMillis) {
    parked.add(new Parked<>(item, dueMillis, parkSeq++));
  }

  /** Offers the parked items due at {@code nowMillis}, the earliest due first; returns how many. */
  public int offerDue(long nowMillis) {
    int n = 0;
    Parked<T> p;
    while ((p = parked.peek()) != null && p.dueMillis <= nowMillis) {
      parked.poll();
      offer(p.item);
      n++;
    }
    return n;
  }

  /** Items parked until their due time. */
  public int parked() {
    return parked.size();
  }

  /** The earliest due time of a parked item (epoch millis), or {@link Long#MAX_VALUE} if none. */
  public long nextDueMillis() {
    Parked<T> p = parked.peek();
    return p == null ? Long.MAX_VALUE : p.dueMillis;
  }

  /**
   * {@code item}, just taken by {@link #next()}, may not start yet: it waits at its key's head
   * until {@link #unhold}.
   */
  public void hold(T item) {
    KeyState<K, T> state = stateOf(keyOf.apply(item));
    if (state.active) {
      state.active = false;
      activeKeys--;
    }
    unready(state);
    int rank = rank(item);
    state.queue.addFirst(new Waiting<>(item, rank));
    queued[rank]++;
    if (state.held) {
      heldItems[rank]++;
    } else {
      state.held = true;
      heldKeys.put(state.key, state);
      state.queue.forEach(w -> heldItems[w.rank]++);
    }
  }

  /** Lets a held key's items start again, in order. */
  public void unhold(K key) {
    KeyState<K, T> state = heldKeys.remove(key);
    if (state == null) {
      return;
    }
    state.held = false;
    state.queue.forEach(w -> heldItems[w.rank]--);
    if (!state.active) {
      makeReady(state);
    }
  }

  /** The first item of every held key. */
  public List<T> heldHeads() {
    List<T> heads = new ArrayList<>(heldKeys.size());
    heldKeys.values().forEach(state -> heads.add(state.queue.peekFirst().item));
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
   * fetched their heads would mostly be rejected too. Passed-over items stay queued.
   */
  public T next(Predicate<T> startable) {
    if (activeKeys >= maxActive || readyKeys == 0) {
      return null;
    }
    for (ReadyList<K, T> keysOfRank : ready) {
      KeyState<K, T> state = keysOfRank.head;
      if (state == null || !startable.test(state.queue.peekFirst().item)) {
        continue;
      }
      unready(state);
      Waiting<T> head = state.queue.pollFirst();
      queued[head.rank]--;
      state.active = true;
      activeKeys++;
      return head.item;
    }
    return null;
  }

  /** The item of {@code key} finished (or was abandoned): the key's next item may start. */
  public void release(K key) {
    KeyState<K, T> state = keys.get(key);
    if (state == null || !state.active) {
      return;
    }
    state.active = false;
    activeKeys--;
    if (state.queue.isEmpty()) {
      keys.remove(key);
    } else if (!state.held) {
      makeReady(state);
    }
  }

  public K keyOf(T item) {
    return keyOf.apply(item);
  }

  /**
   * Drops every waiting (and parked) item (they will be fetched again); active keys stay active.
   */
  public void clearQueued() {
    parked.clear();
    Iterator<KeyState<K, T>> it = keys.values().iterator();
    while (it.hasNext()) {
      KeyState<K, T> state = it.next();
      state.queue.clear();
      state.held = false;
      state.readyRank = -1;
      state.prev = null;
      state.next = null;
      if (!state.active) {
        it.remove();
      }
    }
    for (ReadyList<K, T> keysOfRank : ready) {
      keysOfRank.head = null;
      keysOfRank.tail = null;
    }
    heldKeys.clear();
    readyKeys = 0;
    Arrays.fill(queued, 0);
    Arrays.fill(heldItems, 0);
  }

  /**
   * Drops the waiting (held and parked) items that match (for instance those of revoked
   * partitions); returns them, parked ones last. A ready key keeps its place among the ready keys
   * unless its new head item has another rank: then it is the newest of that rank (several such
   * keys in the order they had become ready).
   */
  public List<T> removeQueuedIf(Predicate<T> filter) {
    List<T> removed = new ArrayList<>();
    List<KeyState<K, T>> moved = new ArrayList<>();
    Iterator<KeyState<K, T>> it = keys.values().iterator();
    while (it.hasNext()) {
      KeyState<K, T> state = it.next();
      boolean any =
          state.queue.removeIf(
              w -> {
                if (!filter.test(w.item)) {
                  return false;
                }
                removed.add(w.item);
                queued[w.rank]--;
                if (state.held) {
                  heldItems[w.rank]--;
                }
                return true;
              });
      if (!any) {
        continue;
      }
      if (state.queue.isEmpty()) {
        unready(state);
        if (state.held) {
          state.held = false;
          heldKeys.remove(state.key);
        }
        if (!state.active) {
          it.remove();
        }
      } else if (state.readyRank >= 0 && state.queue.peekFirst().rank != state.readyRank) {
        moved.add(state);
      }
    }
    moved.sort(Comparator.comparingLong(state -> state.readySince));
    for (KeyState<K, T> state : moved) {
      unready(state);
      makeReady(state);
    }
    parked.removeIf(p -> filter.test(p.item) && removed.add(p.item));
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

  /** Keys with an item running. */
  public int active() {
    return activeKeys;
  }

  private KeyState<K, T> stateOf(K key) {
    KeyState<K, T> state = keys.get(key);
    if (state == null) {
      state = new KeyState<>(key);
      keys.put(key, state);
    }
    return state;
  }

  /** Puts a key with waiting items last among the ready ones of its head item's rank. */
  private void makeReady(KeyState<K, T> state) {
    int r = state.queue.peekFirst().rank;
    ReadyList<K, T> list = ready[r];
    state.readyRank = r;
    state.readySince = readyCount++;
    state.prev = list.tail;
    state.next = null;
    if (list.tail == null) {
      list.head = state;
    } else {
      list.tail.next = state;
    }
    list.tail = state;
    readyKeys++;
  }

  private void unready(KeyState<K, T> state) {
    if (state.readyRank < 0) {
      return;
    }
    ReadyList<K, T> list = ready[state.readyRank];
    if (state.prev == null) {
      list.head = state.next;
    } else {
      state.prev.next = state.next;
    }
    if (state.next == null) {
      list.tail = state.prev;
    } else {
      state.next.prev = state.prev;
    }
    state.prev = null;
    state.next = null;
    state.readyRank = -1;
    readyKeys--;
  }

  /** An item with the rank it was offered at. */
  private record Waiting<T>(T item, int rank) {}

  private record Parked<T>(T item, long dueMillis, long seq) {}

  /**
   * A key: its waiting items, whether one runs or its head is held back, and its place among the
   * ready keys.
   */
  private static final class KeyState<K, T> {
    final K key;
    final ArrayDeque<Waiting<T>> queue = new ArrayDeque<>(2);
    boolean active;
    boolean held;

    /** The rank whose ready list holds this key, or -1 when it is not ready. */
    int readyRank = -1;

    /** When it last became ready ({@link #readyCount}). */
    long readySince;

    KeyState<K, T> prev;
    KeyState<K, T> next;

    KeyState(K key) {
      this.key = key;
    }

    @Override
    public String toString() {
      return "KeyState{"
          + key
          + ", queued="
          + queue.size()
          + ", active="
          + active
          + ", held="
          + held
          + '}';
    }
  }

  /** The ready keys of one rank, linked through their states. */
  private static final class ReadyList<K, T> {
    KeyState<K, T> head;
    KeyState<K, T> tail;
  }
}

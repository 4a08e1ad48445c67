package dev.runex.workers.execution;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Key-level concurrency inside a partition (as Confluent's Parallel Consumer does it): items with
 * different keys may run at the same time, up to {@code maxActive}; items with the same key run
 * strictly one at a time, in the order they were offered. Keys become ready in the order their
 * first waiting item arrived, so no key starves.
 *
 * <p>A key stays active until {@link #release} — also across {@link #clearQueued()}, so a job
 * still running from before a rewind keeps later jobs of its key waiting. Not thread-safe: the
 * poll loop owns it.
 *
 * <p>An item that may not start yet (its tenant, type or pool is paused) is {@link #hold held}: it
 * goes back to the head of its key's queue and the key is skipped — it neither runs nor counts
 * against {@code maxActive} — until {@link #unhold}, so the key's order is kept and other keys go
 * on.
 *
 * @param <K> ordering key
 * @param <T> item
 */
public final class KeyedDispatcher<K, T> {
  private final int maxActive;
  private final Function<T, K> keyOf;
  private final Map<K, ArrayDeque<T>> queues = new HashMap<>();
  private final Set<K> active = new HashSet<>();
  /** Keys with waiting items and nothing running, oldest first. */
  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  /** Keys whose head item is held back; their items count in {@link #held()}, not {@link #queued()}. */
  private final Set<K> held = new HashSet<>();
  private int queued;
  private int heldItems;

  public KeyedDispatcher(int maxActive, Function<T, K> keyOf) {
    if (maxActive < 1) {
      throw new IllegalArgumentException("maxActive must be >= 1, was " + maxActive);
    }
    this.maxActive = maxActive;
    this.keyOf = keyOf;
  }

  public void offer(T item) {
    K key = keyOf.apply(item);
    queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(item);
    queued++;
    if (held.contains(key)) {
      heldItems++;
    } else if (!active.contains(key)) {
      ready.add(key);
    }
  }

  /** {@code item}, just taken by {@link #next()}, may not start yet: it waits at its key's head until {@link #unhold}. */
  public void hold(T item) {
    K key = keyOf.apply(item);
    active.remove(key);
    ready.remove(key);
    ArrayDeque<T> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
    queue.addFirst(item);
    queued++;
    if (held.add(key)) {
      heldItems += queue.size();
    } else {
      heldItems++;
    }
  }

  /** Lets a held key's items start again, in order. */
  public void unhold(K key) {
    if (!held.remove(key)) {
      return;
    }
    ArrayDeque<T> queue = queues.get(key);
    if (queue != null) {
      heldItems -= queue.size();
      if (!active.contains(key)) {
        ready.add(key);
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

  /** The next item to start (its key becomes active), or null when at the limit or nothing is ready. */
  public T next() {
    if (active.size() >= maxActive || ready.isEmpty()) {
      return null;
    }
    Iterator<K> it = ready.iterator();
    K key = it.next();
    it.remove();
    ArrayDeque<T> queue = queues.get(key);
    T item = queue.pollFirst();
    if (queue.isEmpty()) {
      queues.remove(key);
    }
    queued--;
    active.add(key);
    return item;
  }

  /** The item of {@code key} finished (or was abandoned): the key's next item may start. */
  public void release(K key) {
    if (active.remove(key) && queues.containsKey(key)) {
      ready.add(key);
    }
  }

  public K keyOf(T item) {
    return keyOf.apply(item);
  }

  /** Drops every waiting item (they will be fetched again); active keys stay active. */
  public void clearQueued() {
    queues.clear();
    ready.clear();
    held.clear();
    queued = 0;
    heldItems = 0;
  }

  /** Drops the waiting (and held) items that match (for instance those of revoked partitions); returns them. */
  public List<T> removeQueuedIf(Predicate<T> filter) {
    List<T> removed = new ArrayList<>();
    Iterator<Map.Entry<K, ArrayDeque<T>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, ArrayDeque<T>> e = it.next();
      int before = removed.size();
      e.getValue().removeIf(item -> filter.test(item) && removed.add(item));
      int n = removed.size() - before;
      queued -= n;
      if (held.contains(e.getKey())) {
        heldItems -= n;
      }
      if (e.getValue().isEmpty()) {
        ready.remove(e.getKey());
        held.remove(e.getKey());
        it.remove();
      }
    }
    return removed;
  }

  /** Items waiting to start (fetched, not started, not held back). */
  public int queued() {
    return queued - heldItems;
  }

  /** Items held back: the held items and those queued behind them on their keys. */
  public int held() {
    return heldItems;
  }

  /** Keys with an item running. */
  public int active() {
    return active.size();
  }
}

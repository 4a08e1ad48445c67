package dev.runex.workers.execution;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
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
  private int queued;

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
    if (!active.contains(key)) {
      ready.add(key);
    }
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
    queued = 0;
  }

  /** Drops the waiting items that match (for instance those of revoked partitions). */
  public void removeQueuedIf(Predicate<T> filter) {
    Iterator<Map.Entry<K, ArrayDeque<T>>> it = queues.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<K, ArrayDeque<T>> e = it.next();
      int before = e.getValue().size();
      e.getValue().removeIf(filter);
      queued -= before - e.getValue().size();
      if (e.getValue().isEmpty()) {
        ready.remove(e.getKey());
        it.remove();
      }
    }
  }

  /** Items waiting (fetched, not started). */
  public int queued() {
    return queued;
  }

  /** Keys with an item running. */
  public int active() {
    return active.size();
  }
}

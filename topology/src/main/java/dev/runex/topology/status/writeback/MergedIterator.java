package dev.runex.topology.status.writeback;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Two sorted sources, the second winning on equal keys; its null values are deletions that hide the
 * first's entry.
 */
final class MergedIterator<V> implements KeyValueIterator<String, V> {
  private final KeyValueIterator<String, V> stored;
  private final Iterator<Map.Entry<String, V>> changes;
  private final Comparator<String> order;
  private KeyValue<String, V> nextStored;
  private Map.Entry<String, V> nextChange;
  private KeyValue<String, V> next;

  MergedIterator(
      KeyValueIterator<String, V> stored, Map<String, V> changes, Comparator<String> order) {
    this.stored = stored;
    this.changes = changes.entrySet().iterator();
    this.order = order;
    this.nextStored = stored.hasNext() ? stored.next() : null;
    this.nextChange = this.changes.hasNext() ? this.changes.next() : null;
    advance();
  }

  private void advance() {
    next = null;
    while (next == null && (nextStored != null || nextChange != null)) {
      int cmp =
          nextStored == null
              ? 1
              : nextChange == null ? -1 : order.compare(nextStored.key, nextChange.getKey());
      if (cmp < 0) {
        next = nextStored;
        nextStored = stored.hasNext() ? stored.next() : null;
      } else {
        if (cmp == 0) {
          nextStored = stored.hasNext() ? stored.next() : null;
        }
        V value = nextChange.getValue();
        if (value != null) {
          next = KeyValue.pair(nextChange.getKey(), value);
        }
        nextChange = changes.hasNext() ? changes.next() : null;
      }
    }
  }

  @Override
  public boolean hasNext() {
    return next != null;
  }

  @Override
  public KeyValue<String, V> next() {
    if (next == null) {
      throw new NoSuchElementException();
    }
    KeyValue<String, V> current = next;
    advance();
    return current;
  }

  @Override
  public String peekNextKey() {
    if (next == null) {
      throw new NoSuchElementException();
    }
    return next.key;
  }

  @Override
  public void close() {
    stored.close();
  }
}

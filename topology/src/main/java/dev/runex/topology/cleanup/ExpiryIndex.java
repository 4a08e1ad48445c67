package dev.runex.topology.cleanup;

import dev.runex.topology.queueing.TimeOrderedKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An index (a store of its own) of when entries of another store expire: key {@link
 * TimeOrderedKeys#of} (expiry time, entry key), value the entry key. A retention sweep reads it in
 * expiry order instead of scanning the store it cleans. Entries are filed when something starts to
 * expire and taken out when due; the sweep then checks the entry itself (it may have been renewed
 * since).
 */
public final class ExpiryIndex {
  private final KeyValueStore<String, String> index;

  public ExpiryIndex(KeyValueStore<String, String> index) {
    this.index = index;
  }

  /** Files {@code key} to expire at {@code millis}. */
  public void file(long millis, String key) {
    index.put(TimeOrderedKeys.of(millis, key), key);
  }

  /**
   * Takes the entries due at {@code now} out of the index, oldest first, at most {@code max} (what
   * exceeds waits for the next sweep), and returns their keys.
   */
  public List<String> takeDue(long now, int max) {
    List<String> due = new ArrayList<>();
    // Collect first, then delete: never mutate a store under an open iterator.
    try (KeyValueIterator<String, String> it = index.range(null, TimeOrderedKeys.upTo(now))) {
      while (it.hasNext() && due.size() < max) {
        due.add(it.next().key);
      }
    }
    List<String> keys = new ArrayList<>(due.size());
    for (String indexKey : due) {
      index.delete(indexKey);
      keys.add(TimeOrderedKeys.rest(indexKey));
    }
    return keys;
  }
}

package dev.runex.topology.status.writeback;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that keeps the values it is given as objects until the task commits, then
 * writes each changed key once to the store it wraps (not byte-cached; changelogged or not).
 *
 * <p>Why: Kafka Streams' record cache holds serialized values, so a store read and rewritten for
 * every event (the job status: five events per job) decodes and re-encodes the whole value each
 * time and keeps it in a sorted map of byte arrays; during a drain that was most of the status
 * application's CPU. Here a key read and written five times within a commit interval costs map
 * lookups, and one encoding when the commit writes it.
 *
 * <p>Guarantee, as with Kafka Streams' own cache: changed values reach the wrapped store and its
 * changelog in {@link #flushCache()}, which Kafka Streams calls when a task prepares its commit,
 * before its producer commits the transaction with the input offsets. So the changelog holds
 * exactly the state of the committed input. When more than {@code maxDirty} keys are waiting, the
 * oldest is written early (inside the same open transaction). {@link #clearCache()} and {@link
 * #close()} drop what is waiting: a task closed without committing must not keep it. Recently
 * written values that are likely to be read again ({@code keepForReads}: for job statuses, those of
 * unfinished jobs) stay in a bounded read cache ({@code maxClean} keys), so the next event of a job
 * finishes without a store read; values restored from the changelog never pass through here, and
 * the read cache is emptied whenever the store is (re)opened. The read cache is kept small and
 * selective on purpose: every value in it outlives several young collections of the JVM's
 * collector, and a large one that turns over thousands of times a second is copied and promoted for
 * nothing.
 *
 * <p>Interactive queries read through this store from other threads (every method that touches the
 * maps is synchronized). Ranges merge the waiting values over the wrapped store's, in its order
 * (keys are compared by code point, which is UTF-8 byte order). IQv2 {@link #query} reads the
 * wrapped store only, so it lags by up to one commit interval.
 *
 * <p>Kafka Streams calls {@code flushCache} on stores implementing its internal {@link
 * CachedStateStore}, and the changelog writes need the record context set through its internal
 * {@link InternalProcessorContext}: see this package's Javadoc for why and what guards it.
 */
public final class WriteBackStore<V>
    implements KeyValueStore<String, V>, CachedStateStore<String, V> {
  private final KeyValueStore<String, V> inner;
  private final int maxDirty;
  private final int maxClean;
  private final Predicate<V> keepForReads;

  /** Changed since the last flush, oldest first; a null value is a deletion. */
  private final LinkedHashMap<String, Pending<V>> dirty = new LinkedHashMap<>();

  /** Values written by the last flushes, least recently used first. */
  private final LinkedHashMap<String, V> clean;

  private InternalProcessorContext<?, ?> context;

  /** A changed value and the record whose processing changed it (its changelog timestamp). */
  private record Pending<V>(V value, ProcessorRecordContext recordContext) {}

  /**
   * @param inner the store to write to, logged or not; not caching (values would be cached twice)
   * @param maxDirty changed keys held before the oldest is written early
   * @param maxClean written values kept for reads (0: no read cache)
   * @param keepForReads which written values the read cache keeps (the others are read from the
   *     wrapped store when asked for again)
   */
  public WriteBackStore(
      KeyValueStore<String, V> inner, int maxDirty, int maxClean, Predicate<V> keepForReads) {
    if (maxDirty < 1 || maxClean < 0) {
      throw new IllegalArgumentException(
          "maxDirty must be >= 1 and maxClean >= 0, were " + maxDirty + ", " + maxClean);
    }
    this.inner = inner;
    this.maxDirty = maxDirty;
    this.maxClean = maxClean;
    this.keepForReads = keepForReads;
    this.clean =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
            return size() > maxClean;
          }
        };
  }

  /**
   * Builds a {@link WriteBackStore} over the stores {@code inner} builds; {@code inner} must log
   * and not cache. Its logging settings are this builder's; caching cannot be turned on.
   */
  public static <V> StoreBuilder<KeyValueStore<String, V>> builder(
      StoreBuilder<KeyValueStore<String, V>> inner, int maxDirty, int maxClean) {
    return builder(inner, maxDirty, maxClean, value -> true);
  }

  /**
   * As {@link #builder(StoreBuilder, int, int)}, with the read cache keeping only the written
   * values {@code keepForReads} accepts.
   */
  public static <V> StoreBuilder<KeyValueStore<String, V>> builder(
      StoreBuilder<KeyValueStore<String, V>> inner,
      int maxDirty,
      int maxClean,
      Predicate<V> keepForReads) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
        throw new UnsupportedOperationException("a write-back store is its own cache");
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
      }

      @Override
      public KeyValueStore<String, V> build() {
        return new WriteBackStore<>(inner.build(), maxDirty, maxClean, keepForReads);
      }

      @Override
      public Map<String, String> logConfig() {
        return inner.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return inner.loggingEnabled();
      }

      @Override
      public String name() {
        return inner.name();
      }
    };
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public synchronized void init(StateStoreContext stateStoreContext, StateStore root) {
    dirty.clear();
    clean.clear();
    this.context =
        stateStoreContext instanceof InternalProcessorContext<?, ?> internal ? internal : null;
    inner.init(stateStoreContext, root);
  }

  @Override
  public synchronized V get(String key) {
    Pending<V> pending = dirty.get(key);
    if (pending != null) {
      return pending.value();
    }
    V value = clean.get(key);
    return value != null ? value : inner.get(key);
  }

  @Override
  public synchronized void put(String key, V value) {
    if (key == null) {
      throw new NullPointerException("key cannot be null");
    }
    // Re-inserted at the end: the oldest change is the first to be written early.
    dirty.remove(key);
    dirty.put(key, new Pending<>(value, context == null ? null : context.recordContext()));
    clean.remove(key);
    if (dirty.size() > maxDirty) {
      Iterator<Map.Entry<String, Pending<V>>> oldest = dirty.entrySet().iterator();
      Map.Entry<String, Pending<V>> entry = oldest.next();
      oldest.remove();
      write(List.of(entry));
    }
  }

  @Override
  public synchronized V putIfAbsent(String key, V value) {
    V previous = get(key);
    if (previous == null) {
      put(key, value);
    }
    return previous;
  }

  @Override
  public synchronized void putAll(List<KeyValue<String, V>> entries) {
    for (KeyValue<String, V> entry : entries) {
      put(entry.key, entry.value);
    }
  }

  @Override
  public synchronized V delete(String key) {
    V previous = get(key);
    put(key, null);
    return previous;
  }

  @Override
  public synchronized void flushCache() {
    if (dirty.isEmpty()) {
      return;
    }
    write(dirty.entrySet());
    dirty.clear();
  }

  /**
   * Writes changes to the wrapped store (and so its changelog), each under the record that made it.
   */
  private void write(Iterable<Map.Entry<String, Pending<V>>> entries) {
    ProcessorRecordContext current = context == null ? null : context.recordContext();
    try {
      for (Map.Entry<String, Pending<V>> entry : entries) {
        if (context != null) {
          ProcessorRecordContext made = entry.getValue().recordContext();
          context.setRecordContext(made != null ? made : current != null ? current : noRecord());
        }
        V value = entry.getValue().value();
        // a null value deletes (a tombstone in the changelog); not delete(), which reads the old
        // value first for an answer nobody asked for
        inner.put(entry.getKey(), value);
        if (value != null && maxClean > 0 && keepForReads.test(value)) {
          clean.put(entry.getKey(), value);
        }
      }
    } finally {
      if (context != null) {
        context.setRecordContext(current);
      }
    }
  }

  private ProcessorRecordContext noRecord() {
    return new ProcessorRecordContext(
        context.currentSystemTimeMs(), -1L, -1, null, new RecordHeaders());
  }

  @Override
  public synchronized void clearCache() {
    dirty.clear();
    clean.clear();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<String, V> listener, boolean sendOldValues) {
    return false; // nothing downstream is fed from this store's flushes
  }

  @Override
  public synchronized KeyValueIterator<String, V> range(String from, String to) {
    return merged(inner.range(from, to), from, to, false);
  }

  @Override
  public synchronized KeyValueIterator<String, V> reverseRange(String from, String to) {
    return merged(inner.reverseRange(from, to), from, to, true);
  }

  @Override
  public synchronized KeyValueIterator<String, V> all() {
    return merged(inner.all(), null, null, false);
  }

  @Override
  public synchronized KeyValueIterator<String, V> reverseAll() {
    return merged(inner.reverseAll(), null, null, true);
  }

  /** The wrapped store's entries with the waiting changes in [from, to] laid over them. */
  private KeyValueIterator<String, V> merged(
      KeyValueIterator<String, V> stored, String from, String to, boolean reverse) {
    // null values (deletions) are kept: they hide the wrapped store's entry
    NavigableMap<String, V> changes = new TreeMap<>(KeyOrder.UTF8);
    for (Map.Entry<String, Pending<V>> e : dirty.entrySet()) {
      String k = e.getKey();
      if ((from == null || KeyOrder.UTF8.compare(k, from) >= 0)
          && (to == null || KeyOrder.UTF8.compare(k, to) <= 0)) {
        changes.put(k, e.getValue().value());
      }
    }
    if (changes.isEmpty()) {
      return stored;
    }
    return new MergedIterator<>(
        stored,
        reverse ? changes.descendingMap() : changes,
        reverse ? KeyOrder.UTF8.reversed() : KeyOrder.UTF8);
  }

  @Override
  public long approximateNumEntries() {
    return inner.approximateNumEntries();
  }

  @Override
  public synchronized void flush() {
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public synchronized void close() {
    dirty.clear();
    clean.clear();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  @Override
  public long approximateNumUncommittedBytes() {
    return inner.approximateNumUncommittedBytes();
  }
}

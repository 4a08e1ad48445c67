package dev.runex.topology.status.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The write-back store's own rules, over an in-memory store. That Kafka Streams writes it at each
 * commit is shown by {@code StatusTopologyTest.eachCommitWritesTheFoldedStatusToTheChangelog}.
 */
class WriteBackStoreTest {
  private KeyValueStore<String, String> inner;
  private WriteBackStore<String> store;

  @BeforeEach
  void setUp() {
    open(100, 100);
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private void open(int maxDirty, int maxClean) {
    open(maxDirty, maxClean, value -> true);
  }

  private void open(int maxDirty, int maxClean, Predicate<String> keepForReads) {
    inner =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("s"), Serdes.String(), Serdes.String())
            .withLoggingDisabled()
            .withCachingDisabled()
            .build();
    store = new WriteBackStore<>(inner, maxDirty, maxClean, keepForReads);
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
  }

  @Test
  void changesReachTheWrappedStoreOnlyWhenTheCacheIsFlushedAndOnlyTheLastValue() {
    store.put("a", "1");
    store.put("a", "2");
    store.put("b", "1");

    assertThat(store.get("a")).isEqualTo("2");
    assertThat(inner.get("a")).isNull();
    assertThat(inner.get("b")).isNull();

    store.flushCache();

    assertThat(inner.get("a")).isEqualTo("2");
    assertThat(inner.get("b")).isEqualTo("1");
    assertThat(store.get("a")).isEqualTo("2");
  }

  @Test
  void aDeletionHidesTheStoredValueAndIsWrittenAtTheFlush() {
    store.put("a", "1");
    store.flushCache();

    assertThat(store.delete("a")).isEqualTo("1");
    assertThat(store.get("a")).isNull();
    assertThat(inner.get("a")).isEqualTo("1");

    store.flushCache();
    assertThat(inner.get("a")).isNull();
    assertThat(store.get("a")).isNull();
  }

  @Test
  void clearingTheCacheDropsWaitingChanges() {
    store.put("a", "1");
    store.flushCache();
    store.put("a", "2");
    store.put("b", "1");

    store.clearCache();
    store.flushCache();

    assertThat(store.get("a")).isEqualTo("1");
    assertThat(store.get("b")).isNull();
    assertThat(inner.get("b")).isNull();
  }

  @Test
  void beyondMaxDirtyTheOldestChangeIsWrittenEarly() {
    store.close();
    open(2, 10);

    store.put("a", "1");
    store.put("b", "1");
    store.put("a", "2"); // a is now the newest change
    assertThat(inner.get("a")).isNull();

    store.put("c", "1");

    assertThat(inner.get("b")).isEqualTo("1");
    assertThat(inner.get("a")).isNull();
    assertThat(inner.get("c")).isNull();
  }

  @Test
  void writtenValuesAreReadFromTheReadCacheUpToItsSizeAndNotAfterReopening() {
    store.close();
    open(10, 1);
    store.put("a", "1");
    store.put("b", "1");
    store.flushCache();
    // changed behind the store's back, as a restore from the changelog would
    inner.put("a", "restored");
    inner.put("b", "restored");

    assertThat(store.get("b")).isEqualTo("1"); // the one value the read cache keeps
    assertThat(store.get("a")).isEqualTo("restored");

    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    assertThat(store.get("b")).isEqualTo("restored");
  }

  @Test
  void theReadCacheKeepsOnlyTheValuesItIsToldToKeep() {
    store.close();
    open(10, 10, value -> !value.startsWith("done"));
    store.put("running", "started");
    store.put("finished", "done");
    store.flushCache();
    // changed behind the store's back: a read that reaches the wrapped store sees it
    inner.put("running", "restored");
    inner.put("finished", "restored");

    assertThat(store.get("running")).isEqualTo("started");
    assertThat(store.get("finished")).isEqualTo("restored");
  }

  @Test
  void rangesLayWaitingChangesOverTheStoredEntriesInKeyOrder() {
    store.put("a", "1");
    store.put("c", "1");
    store.put("e", "1");
    store.flushCache();
    store.put("b", "2"); // new
    store.put("c", "2"); // changed
    store.delete("e"); // deleted
    store.put("z", "2"); // outside the range below

    assertThat(read(store.range("a", "e")))
        .containsExactly(KeyValue.pair("a", "1"), KeyValue.pair("b", "2"), KeyValue.pair("c", "2"));
    assertThat(read(store.reverseRange("a", "e")))
        .containsExactly(KeyValue.pair("c", "2"), KeyValue.pair("b", "2"), KeyValue.pair("a", "1"));
    assertThat(read(store.all())).extracting(kv -> kv.key).containsExactly("a", "b", "c", "z");
    assertThat(read(store.reverseAll()))
        .extracting(kv -> kv.key)
        .containsExactly("z", "c", "b", "a");
    assertThat(read(store.range("d", null))).extracting(kv -> kv.key).containsExactly("z");
  }

  @Test
  void keysCompareInUtf8ByteOrder() {
    // U+FF21 sorts before U+1F600 in UTF-8 bytes (EF.. < F0..) but after it in UTF-16 units (FF21 >
    // D83D)
    String fullwidthA = "\uFF21";
    String emoji = new String(Character.toChars(0x1F600));

    assertThat(KeyOrder.UTF8.compare(fullwidthA, emoji)).isNegative();
    assertThat(KeyOrder.UTF8.compare("ab", "a")).isPositive();
    assertThat(KeyOrder.UTF8.compare("a", "a")).isZero();
  }

  private static List<KeyValue<String, String>> read(KeyValueIterator<String, String> it) {
    List<KeyValue<String, String>> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}

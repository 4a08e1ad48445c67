package dev.runex.topology.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpiryIndexTest {
  private final KeyValueStore<String, String> store = Stores.keyValue("expiry", Serdes.String());
  private final ExpiryIndex index = new ExpiryIndex(store);

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void takesWhatIsDueOldestFirstAndLeavesTheRest() {
    // given
    index.file(3_000, "c");
    index.file(1_000, "a");
    index.file(2_000, "b");

    // when
    var due = index.takeDue(2_000, 10);

    // then
    assertThat(due).containsExactly("a", "b");
    assertThat(index.takeDue(2_999, 10)).isEmpty();
    assertThat(index.takeDue(3_000, 10)).containsExactly("c");
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void takesAtMostTheBatchPerSweep() {
    // given
    for (int i = 0; i < 5; i++) {
      index.file(1_000 + i, "k" + i);
    }

    // when
    var first = index.takeDue(10_000, 2);

    // then
    assertThat(first).containsExactly("k0", "k1");
    assertThat(index.takeDue(10_000, 10)).containsExactly("k2", "k3", "k4");
  }

  @Test
  void oneKeyMayBeFiledAtTwoTimes() {
    // given
    index.file(1_000, "a");
    index.file(5_000, "a");

    // when
    var due = index.takeDue(1_000, 10);

    // then
    assertThat(due).containsExactly("a");
    assertThat(index.takeDue(5_000, 10)).containsExactly("a");
  }
}

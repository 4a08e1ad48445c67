package dev.runex.topology.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotencyWindowTest {
  private static final Duration WINDOW = Duration.ofMinutes(30);

  private final TimestampedKeyValueStore<String, String> seen = Stores.timestamped("dedupe");
  private final KeyValueStore<String, String> expiry =
      Stores.keyValue("dedupe-expiry", Serdes.String());
  private final IdempotencyWindow windows =
      new IdempotencyWindow(WINDOW, seen, new ExpiryIndex(expiry));

  @AfterEach
  void close() {
    seen.close();
    expiry.close();
  }

  @Test
  void aKeyIsForgottenWhenItsWindowEnds() {
    // given
    windows.remember("acme|order-1", "j1", 1_000);

    // when
    windows.sweep(1_000 + WINDOW.toMillis() - 1);
    boolean keptBefore = seen.get("acme|order-1") != null;
    windows.sweep(1_000 + WINDOW.toMillis());

    // then
    assertThat(keptBefore).isTrue();
    assertThat(seen.get("acme|order-1")).isNull();
    assertThat(windows.expired(1_000, 1_000 + WINDOW.toMillis())).isTrue();
  }

  @Test
  void aKeyRememberedAgainLaterIsKeptAndReFiled() {
    // given: remembered at 1s; its entry renewed at 10 minutes (another sweep's view of it)
    windows.remember("k", "j1", 1_000);
    seen.put("k", ValueAndTimestamp.make("j2", 600_000));

    // when
    windows.sweep(1_000 + WINDOW.toMillis());

    // then
    assertThat(seen.get("k").value()).isEqualTo("j2");
    windows.sweep(600_000 + WINDOW.toMillis());
    assertThat(seen.get("k")).isNull();
  }

  @Test
  void aSweepTakesOneBatchAndSaysWhenItWasFull() {
    // given one more key past its window than a sweep deletes
    for (int i = 0; i <= IdempotencyWindow.MAX_PER_SWEEP; i++) {
      windows.remember("acme|order-" + i, "j" + i, 1_000);
    }
    long due = 1_000 + WINDOW.toMillis();

    // when
    boolean firstFull = windows.sweep(due);
    long left = seen.approximateNumEntries();
    boolean secondFull = windows.sweep(due);

    // then
    assertThat(firstFull).isTrue();
    assertThat(left).isEqualTo(1);
    assertThat(secondFull).isFalse();
    assertThat(seen.approximateNumEntries()).isZero();
  }
}

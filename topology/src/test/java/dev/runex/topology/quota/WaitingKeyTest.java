package dev.runex.topology.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.JobPriority;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitingKeyTest {
  private static final char NUL = '\u0000';

  @Test
  void encodesAsTheStoreHasAlwaysKeptIt() {
    // when
    String encoded = new WaitingKey("acme", "echo", 1, 42).encode();

    // then: tenant␀type␀rank␀seq, the sequence zero-padded to 20 digits
    assertThat(encoded).isEqualTo("acme" + NUL + "echo" + NUL + "1" + NUL + "00000000000000000042");
    assertThat(WaitingKey.decode(encoded)).isEqualTo(new WaitingKey("acme", "echo", 1, 42));
  }

  @Test
  void byteOrderOfTheEncodedKeysIsQueueOrder() {
    // given
    List<WaitingKey> keys =
        new ArrayList<>(
            List.of(
                new WaitingKey("acme", "echo", 2, 1),
                new WaitingKey("acme", "echo", 1, 100),
                new WaitingKey("acme", "echo", 1, 99),
                new WaitingKey("acme", "echo", 0, 5_000)));

    // when
    List<String> byOrder = keys.stream().sorted(WaitingKey.ORDER).map(WaitingKey::encode).toList();
    List<String> byBytes = keys.stream().map(WaitingKey::encode).sorted().toList();

    // then
    assertThat(byOrder).isEqualTo(byBytes);
    assertThat(WaitingKey.decode(byOrder.get(0)).rank()).isZero();
  }

  @Test
  void everyKeyOfAQueueLiesInItsRange() {
    // given
    WaitingKey.Queue queue = new WaitingKey.Queue("acme", "echo", 1);

    // when
    String highest = new WaitingKey(queue, Long.MAX_VALUE).encode();
    String nextRank = new WaitingKey("acme", "echo", 2, 0).encode();

    // then
    assertThat(highest).startsWith(queue.prefix());
    assertThat(highest.compareTo(queue.end())).isNegative();
    assertThat(nextRank.compareTo(queue.end())).isPositive();
  }

  @Test
  void ranksHighFirst() {
    assertThat(WaitingKey.rank(JobPriority.HIGH)).isZero();
    assertThat(WaitingKey.rank(JobPriority.NORMAL)).isEqualTo(1);
    assertThat(WaitingKey.rank(JobPriority.LOW)).isEqualTo(2);
  }

  @Test
  void aMalformedKeyIsAClearError() {
    assertThatThrownBy(() -> WaitingKey.decode("acme\u0000echo"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("acme|echo");
  }
}

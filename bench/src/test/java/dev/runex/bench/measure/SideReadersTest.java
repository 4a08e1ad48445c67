package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class SideReadersTest {

  @Test
  void aPartitionIsReadWhenTheGroupCommittedUpToItsClosingMarker() {
    // records at 0..8, the transaction's marker at 9: the end is 10, the group commits 9
    assertThat(SideReaders.read(10, new OffsetAndMetadata(9))).isTrue();
    assertThat(SideReaders.read(10, new OffsetAndMetadata(10))).isTrue();
  }

  @Test
  void aPartitionIsNotReadWhileARecordIsLeftOrNothingWasCommitted() {
    assertThat(SideReaders.read(10, new OffsetAndMetadata(8))).isFalse();
    assertThat(SideReaders.read(10, null)).isFalse();
  }

  @Test
  void anEmptyPartitionIsRead() {
    assertThat(SideReaders.read(0, null)).isTrue();
  }
}

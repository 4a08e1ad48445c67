package dev.runex.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.gateway.kafka.RecordText;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class LiveFeedTest {

  @Test
  void aRecordThatCannotBeDecodedWhileTheRegistryIsAwayIsReportedAndTheFeedGoesOn() {
    // given: an Avro result whose schema the registry cannot be asked for
    SchemaRegistryClient away =
        new SchemaRegistryClient() {
          @Override
          public int register(String subject, Schema schema) {
            throw new SchemaRegistryUnavailableException("connection refused", null);
          }

          @Override
          public Schema getById(int id) {
            throw new SchemaRegistryUnavailableException("connection refused", null);
          }
        };
    ConsumerRecord<byte[], byte[]> avro =
        new ConsumerRecord<>(
            "runex.results",
            2,
            7,
            "job-1".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, 0, 0, 0, 9, 1});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // when
    var json = LiveFeed.readable(new RecordText(away), avro, new PrintStream(out, true));
    // then
    assertThat(json).isNull();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("[unreadable]")
        .contains("job-1")
        .contains("runex.results-2@7")
        .contains("connection refused");
  }
}

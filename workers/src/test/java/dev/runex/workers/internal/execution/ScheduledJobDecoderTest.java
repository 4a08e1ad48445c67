package dev.runex.workers.internal.execution;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.Job;
import dev.runex.schemas.serde.AvroSerdes;
import dev.runex.schemas.serde.SchemaNotFoundException;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.SchemaRegistryUnavailableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class ScheduledJobDecoderTest {
  private final SchemaRegistryClient registry = SchemaRegistryClient.forUrl("mock://decoder-test");
  private final Serde<Job> serde = AvroSerdes.confluent(registry, Job.class);
  private final ScheduledJobDecoder decoder =
      new ScheduledJobDecoder(registry, serde.deserializer());

  @Test
  void decodesAFramedJob() throws Exception {
    Job job = job("j1", "echo", Map.of("message", "hi"));

    assertThat(decoder.decode("t", serde.serializer().serialize("t", job))).isEqualTo(job);
  }

  @Test
  void unframedBytesUnknownSchemaIdsAndTombstonesAreUndecodable() {
    byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).array();

    assertThatThrownBy(() -> decoder.decode("t", "{\"id\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UndecodableJobException.class);
    assertThatThrownBy(() -> decoder.decode("t", unknownId))
        .isInstanceOf(UndecodableJobException.class);
    assertThatThrownBy(() -> decoder.decode("t", null)).isInstanceOf(UndecodableJobException.class);
  }

  @Test
  void unreachableRegistryIsNotABadRecord() {
    SchemaRegistryClient down =
        new SchemaRegistryClient() {
          @Override
          public int register(String subject, Schema schema) {
            throw new SchemaRegistryUnavailableException(
                "schema registry at http://x unreachable", null);
          }

          @Override
          public Schema getById(int id) {
            throw new SchemaRegistryUnavailableException(
                "schema registry at http://x unreachable (schema id " + id + ")", null);
          }
        };
    byte[] framed = ByteBuffer.allocate(9).put((byte) 0).putInt(1).array();

    assertThatThrownBy(
            () -> new ScheduledJobDecoder(down, serde.deserializer()).decode("t", framed))
        .isInstanceOf(RegistryUnavailableException.class);
  }

  @Test
  void tellsOutagesFromRefusals() {
    assertThat(
            ScheduledJobDecoder.isUnavailable(
                new SchemaRegistryUnavailableException("HTTP 503 busy", null)))
        .isTrue();
    assertThat(
            ScheduledJobDecoder.isUnavailable(
                new SchemaNotFoundException("no schema id 3 (HTTP 404)")))
        .isFalse();
    assertThat(
            ScheduledJobDecoder.isUnavailable(
                new SerializationException("HTTP 422 invalid schema")))
        .isFalse();
  }
}

package dev.runex.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.serde.ConfluentAvroDeserializer;
import dev.runex.schemas.serde.ConfluentAvroSerializer;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.schemas.serde.SchemaText;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SerdeWireFormatTest {
  private final SchemaRegistryClient registry = SchemaRegistryClient.forUrl("mock://wire-format-test");

  @Test
  void writesMagicByteSchemaIdAndAvroBodyAndReadsItBack() {
    JobResult result = JobResult.newBuilder()
        .setId("job-1").setType("echo").setTenant("demo").setStatus(JobStatus.SUCCEEDED)
        .setOutput("hi").setAttempts(1).setFinishedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();

    byte[] bytes = new ConfluentAvroSerializer<JobResult>(registry, false).serialize("t", result);

    assertThat(bytes[0]).isEqualTo((byte) 0);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.getById(id).getFullName()).isEqualTo("dev.runex.schemas.JobResult");
    JobResult back = new ConfluentAvroDeserializer<>(registry, JobResult.class).deserialize("t", bytes);
    assertThat(back).isEqualTo(result);
  }

  @Test
  void refusesBytesThatAreNotConfluentFramed() {
    var deserializer = new ConfluentAvroDeserializer<>(registry, JobResult.class);

    assertThatThrownBy(() -> deserializer.deserialize("t", "{\"a\":1}".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("first byte is 123");
    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 99, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema id 99");
  }

  @Test
  void registeredSchemaTextHasNoJavaOnlyProperties() {
    assertThat(Job.getClassSchema().toString()).contains("avro.java.string");
    assertThat(SchemaText.portable(Job.getClassSchema())).doesNotContain("avro.java.string");
  }
}

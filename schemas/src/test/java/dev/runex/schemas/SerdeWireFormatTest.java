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
  private final SchemaRegistryClient registry =
      SchemaRegistryClient.forUrl("mock://wire-format-test");

  @Test
  void writesMagicByteSchemaIdAndAvroBodyAndReadsItBack() {
    JobResult result =
        JobResult.newBuilder()
            .setId("job-1")
            .setType("echo")
            .setTenant("demo")
            .setStatus(JobStatus.SUCCEEDED)
            .setOutput("hi")
            .setAttempts(1)
            .setFinishedAt(Instant.ofEpochMilli(1_700_000_000_000L))
            .build();

    byte[] bytes = new ConfluentAvroSerializer<JobResult>(registry, false).serialize("t", result);

    assertThat(bytes[0]).isEqualTo((byte) 0);
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.getById(id).getFullName()).isEqualTo("dev.runex.schemas.JobResult");
    JobResult back =
        new ConfluentAvroDeserializer<>(registry, JobResult.class).deserialize("t", bytes);
    assertThat(back).isEqualTo(result);
  }

  @Test
  void readsARecordInPlaceFromAViewOfALargerBuffer() {
    // given two records back to back in one array, as in a fetched batch, and a view of the second
    var serializer = new ConfluentAvroSerializer<JobResult>(registry, false);
    byte[] first = serializer.serialize("t", result("job-1", "a longer output than the next one"));
    byte[] second = serializer.serialize("t", result("job-2", "hi"));
    byte[] batch = new byte[3 + first.length + second.length + 7];
    System.arraycopy(first, 0, batch, 3, first.length);
    System.arraycopy(second, 0, batch, 3 + first.length, second.length);
    ByteBuffer view = ByteBuffer.wrap(batch, 3 + first.length, second.length).slice();
    var deserializer = new ConfluentAvroDeserializer<>(registry, JobResult.class);

    // when
    JobResult back = deserializer.deserialize("t", null, view);

    // then it reads just that record, and leaves the view as it was
    assertThat(back).isEqualTo(result("job-2", "hi"));
    assertThat(view.position()).isZero();
    assertThat(deserializer.deserialize("t", null, ByteBuffer.wrap(batch, 3, first.length)))
        .isEqualTo(result("job-1", "a longer output than the next one"));
    assertThat(deserializer.deserialize("t", null, (ByteBuffer) null)).isNull();
  }

  @Test
  void readsARecordFromADirectBuffer() {
    byte[] bytes =
        new ConfluentAvroSerializer<JobResult>(registry, false)
            .serialize("t", result("job-3", "x"));
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();

    assertThat(
            new ConfluentAvroDeserializer<>(registry, JobResult.class)
                .deserialize("t", null, direct))
        .isEqualTo(result("job-3", "x"));
  }

  @Test
  void aFailedWriteLeavesNothingBehindForTheNext() {
    var serializer = new ConfluentAvroSerializer<JobResult>(registry, false);
    JobResult broken = result("job-4", "x");
    broken.setStatus(null); // required, and written after the id: the write fails part-way

    assertThatThrownBy(() -> serializer.serialize("t", broken))
        .isInstanceOf(SerializationException.class);
    byte[] next = serializer.serialize("t", result("job-5", "y"));

    assertThat(new ConfluentAvroDeserializer<>(registry, JobResult.class).deserialize("t", next))
        .isEqualTo(result("job-5", "y"));
  }

  private static JobResult result(String id, String output) {
    return JobResult.newBuilder()
        .setId(id)
        .setType("echo")
        .setTenant("demo")
        .setStatus(JobStatus.SUCCEEDED)
        .setOutput(output)
        .setAttempts(1)
        .setFinishedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
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

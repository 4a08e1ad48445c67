package dev.runex.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.ErrorInfo;
import dev.runex.schemas.Job;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.JobPhase;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.JobStatusView;
import dev.runex.schemas.JobTransition;
import dev.runex.schemas.ResourceUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.UnresolvedUnionException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CompiledDatumWriterTest {
  private static final Instant T = Instant.ofEpochMilli(1_700_000_000_123L);

  @Test
  void writesTheSameBytesAsAvrosOwnWriter() throws IOException {
    Map<String, Object> params = new HashMap<>();
    params.put("s", "text");
    params.put("n", 42L);
    params.put("d", 1.5);
    params.put("b", true);
    params.put("none", null);
    Job job =
        Job.newBuilder()
            .setId("j-1")
            .setType("echo")
            .setTenant("demo")
            .setPool("default")
            .setParams(params)
            .setPartitionKey("k")
            .setIdempotencyKey("idem")
            .setLabels(Map.of("team", "a", "runex.schedule", "s"))
            .setAttempt(2)
            .setMaxAttempts(3)
            .setTimeoutMs(30_000)
            .setSubmittedAt(T)
            .setDueAt(T.plusSeconds(1))
            .setFirstFailureAt(T)
            .setLastError(
                ErrorInfo.newBuilder().setCode("X").setMessage("m").setRetryable(true).build())
            .setLimits(JobLimits.newBuilder().setMemoryBytes(1024L).build())
            .setExpiresAt(T.plusSeconds(60))
            .setPriority(JobPriority.HIGH)
            .build();
    Job bare =
        Job.newBuilder()
            .setId("j-2")
            .setType("echo")
            .setTenant("demo")
            .setPool("default")
            .setPartitionKey("j-2")
            .setAttempt(1)
            .setMaxAttempts(1)
            .setTimeoutMs(0)
            .setSubmittedAt(T)
            .setDueAt(T)
            .build();
    JobResult result =
        JobResult.newBuilder()
            .setId("j-1")
            .setStatus(JobStatus.SUCCEEDED)
            .setOutput("{\"é\":\"ü\"}")
            .setFinishedAt(T)
            .setStartedAt(T)
            .setUsage(ResourceUsage.newBuilder().setWallMs(3L).setIsolation("in-process").build())
            .build();
    JobEvent event =
        JobEvent.newBuilder()
            .setJobId("j-1")
            .setKind(JobEventKind.STARTED)
            .setStage("execution")
            .setTime(T)
            .setDueAt(T)
            .setDetail("attempt 1 of 3")
            .build();
    JobStatusView view =
        JobStatusView.newBuilder()
            .setJobId("j-1")
            .setState(JobPhase.RUNNING)
            .setUpdatedAt(T)
            .setHistory(
                List.of(
                    JobTransition.newBuilder()
                        .setKind(JobEventKind.RECEIVED)
                        .setTime(T)
                        .setStage("intake")
                        .build(),
                    JobTransition.newBuilder()
                        .setKind(JobEventKind.STARTED)
                        .setTime(T)
                        .setStage("execution")
                        .setWorkerId("w")
                        .build()))
            .build();

    for (SpecificRecord r : List.<SpecificRecord>of(job, bare, result, event, view)) {
      assertThat(write(CompiledDatumWriter.of(r.getSchema()), r))
          .as(r.getSchema().getName())
          .isEqualTo(write(new SpecificDatumWriter<>(r.getSchema()), r));
    }
  }

  /**
   * Declared in another order than the schema's symbols: its ordinals are not the symbols' indexes.
   */
  private enum Reordered {
    B,
    A
  }

  @Test
  void writesEnumsByNameWhenTheJavaOrderIsNotTheSchemasAndGenericSymbolsToo() throws IOException {
    Schema letters = SchemaBuilder.enumeration("Letters").symbols("A", "B");
    Schema schema =
        SchemaBuilder.record("WithLetter")
            .fields()
            .name("letter")
            .type(letters)
            .noDefault()
            .name("maybe")
            .type()
            .unionOf()
            .nullType()
            .and()
            .type(letters)
            .endUnion()
            .nullDefault()
            .endRecord();
    GenericRecord javaEnum = new GenericData.Record(schema);
    javaEnum.put("letter", Reordered.A);
    javaEnum.put("maybe", null);
    GenericRecord genericSymbol = new GenericData.Record(schema);
    genericSymbol.put("letter", new GenericData.EnumSymbol(letters, "B"));
    genericSymbol.put("maybe", new GenericData.EnumSymbol(letters, "A"));

    // A is symbol 0 although Reordered.A's ordinal is 1; the nullable union picks branch 0 for null
    assertThat(write(CompiledDatumWriter.of(schema), javaEnum)).containsExactly(0, 0);
    assertThat(write(CompiledDatumWriter.of(schema), genericSymbol))
        .isEqualTo(write(new GenericDatumWriter<>(schema), genericSymbol));
  }

  @Test
  void refusesAValueNoBranchOfAUnionTakes() {
    Schema schema =
        SchemaBuilder.record("WithUnions")
            .fields()
            .name("nullable")
            .type()
            .unionOf()
            .nullType()
            .and()
            .stringType()
            .endUnion()
            .nullDefault()
            .name("wide")
            .type()
            .unionOf()
            .nullType()
            .and()
            .stringType()
            .and()
            .longType()
            .endUnion()
            .nullDefault()
            .endRecord();
    GenericRecord badNullable = new GenericData.Record(schema);
    badNullable.put("nullable", 42);
    GenericRecord badWide = new GenericData.Record(schema);
    badWide.put("wide", 1.5);

    assertThatThrownBy(() -> write(CompiledDatumWriter.of(schema), badNullable))
        .isInstanceOf(UnresolvedUnionException.class);
    assertThatThrownBy(() -> write(CompiledDatumWriter.of(schema), badWide))
        .isInstanceOf(UnresolvedUnionException.class);
  }

  @Test
  void leavesSchemasWithOtherLogicalTypesToAvro() {
    Schema withDate =
        SchemaBuilder.record("WithDate")
            .fields()
            .name("day")
            .type(LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT)))
            .noDefault()
            .endRecord();

    assertThat(CompiledDatumWriter.of(withDate)).isInstanceOf(SpecificDatumWriter.class);
  }

  @Test
  void namesTheFieldWhenARequiredValueIsMissing() {
    JobEvent event = new JobEvent(); // jobId, time and stage unset
    event.setKind(JobEventKind.STARTED);
    ConfluentAvroSerializer<JobEvent> serializer =
        new ConfluentAvroSerializer<>(
            SchemaRegistryClient.forUrl("mock://compiled-writer-test"), false);

    assertThatThrownBy(() -> serializer.serialize("t", event))
        .isInstanceOf(SerializationException.class)
        .hasStackTraceContaining("field jobId of dev.runex.schemas.JobEvent");
    // and the serializer's buffer holds nothing of the failed record afterwards
    JobEvent good =
        JobEvent.newBuilder()
            .setJobId("j")
            .setKind(JobEventKind.STARTED)
            .setStage("s")
            .setTime(T)
            .build();
    assertThat(
            new ConfluentAvroDeserializer<>(
                    SchemaRegistryClient.forUrl("mock://compiled-writer-test"), JobEvent.class)
                .deserialize("t", serializer.serialize("t", good)))
        .isEqualTo(good);
  }

  private static <T> byte[] write(DatumWriter<T> writer, T datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}

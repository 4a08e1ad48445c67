package dev.runex.schemas.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.json.AvroJsonReader;
import dev.runex.schemas.serde.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** {@link Lifecycle#merge} and {@link Lifecycle#transitions}: one record, every transition. */
class LifecycleTransitionsTest {

  private static JobEvent event(JobEventKind kind, String stage, long time) {
    JobEvent e = Lifecycle.event("job-1", "acme", "echo", kind, stage, "w1", kind + "!", time);
    e.setAttempt(1);
    e.setDueAt(Instant.ofEpochMilli(500));
    e.setPriority(JobPriority.HIGH);
    if (kind == JobEventKind.RECEIVED) {
      e.setLabels(Map.of("team", "a"));
    }
    return e;
  }

  @Test
  void aMergedRecordExpandsIntoTheSameTransitionsInOrder() {
    List<JobEvent> written =
        List.of(
            event(JobEventKind.RECEIVED, Lifecycle.INTAKE, 100),
            event(JobEventKind.VALIDATED, Lifecycle.VALIDATION, 101),
            event(JobEventKind.SCHEDULED, Lifecycle.SCHEDULING, 102));
    JobEvent record = Lifecycle.merge(written);

    assertThat(record.getKind()).isEqualTo(JobEventKind.SCHEDULED);
    assertThat(record.getEarlier())
        .extracting(t -> t.getKind())
        .containsExactly(JobEventKind.RECEIVED, JobEventKind.VALIDATED);
    assertThat(record.getLater()).isEmpty();
    assertThat(record.getLabels()).containsEntry("team", "a");
    assertThat(Lifecycle.transitions(record)).isEqualTo(written);
  }

  @Test
  void theOwnTransitionIsTheLastThatDecidesTheStateSoDeadLetteredGoesLater() {
    List<JobEvent> written =
        List.of(
            event(JobEventKind.STARTED, Lifecycle.EXECUTION, 100),
            event(JobEventKind.FAILED, Lifecycle.EXECUTION, 105),
            event(JobEventKind.DEAD_LETTERED, Lifecycle.EXECUTION, 105));
    JobEvent record = Lifecycle.merge(written);

    assertThat(record.getKind()).isEqualTo(JobEventKind.FAILED);
    assertThat(record.getEarlier())
        .extracting(t -> t.getKind())
        .containsExactly(JobEventKind.STARTED);
    assertThat(record.getLater())
        .extracting(t -> t.getKind())
        .containsExactly(JobEventKind.DEAD_LETTERED);
    assertThat(Lifecycle.transitions(record)).isEqualTo(written);
  }

  @Test
  void aMergedRecordSurvivesTheJsonOutputFormat() {
    List<JobEvent> written =
        List.of(
            event(JobEventKind.RECEIVED, Lifecycle.INTAKE, 100),
            event(JobEventKind.REJECTED, Lifecycle.VALIDATION, 100),
            event(JobEventKind.DEAD_LETTERED, Lifecycle.INTAKE, 100));

    JobEvent read =
        new AvroJsonReader<>(JobEvent.class).read(AvroJson.toBytes(Lifecycle.merge(written)));

    assertThat(Lifecycle.transitions(read)).isEqualTo(written);
  }

  @Test
  void aRecordOfOneTransitionIsItself() {
    JobEvent one = event(JobEventKind.SUCCEEDED, Lifecycle.EXECUTION, 100);
    assertThat(Lifecycle.merge(List.of(one))).isSameAs(one);
    assertThat(Lifecycle.transitions(one)).containsExactly(one);
  }

  @Test
  void transitionsOfDifferentJobsAreNotMerged() {
    JobEvent other =
        Lifecycle.event(
            "job-2", "acme", "echo", JobEventKind.SCHEDULED, Lifecycle.SCHEDULING, "w1", null, 1);
    assertThatThrownBy(
            () -> Lifecycle.merge(List.of(event(JobEventKind.RECEIVED, "intake", 1), other)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMergedRecordSurvivesTheWireAndAnOlderReaderSeesItsOwnTransition() throws IOException {
    AvroTrust.ensure(); // the specific reader, as runex's serdes use it
    JobEvent record =
        Lifecycle.merge(
            List.of(
                event(JobEventKind.STARTED, Lifecycle.EXECUTION, 100),
                event(JobEventKind.SUCCEEDED, Lifecycle.EXECUTION, 107)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(JobEvent.class).write(record, enc);
    enc.flush();

    JobEvent read =
        new SpecificDatumReader<JobEvent>(JobEvent.class)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertThat(Lifecycle.transitions(read))
        .extracting(JobEvent::getKind)
        .containsExactly(JobEventKind.STARTED, JobEventKind.SUCCEEDED);

    // a reader of the released v2 JobEvent (history/v2, with the JobPriority it names)
    Schema.Parser older = new Schema.Parser();
    older.parse(Path.of("history/v2/JobPriority.avsc").toFile());
    Schema v2Event = older.parse(Path.of("history/v2/JobEvent.avsc").toFile());
    GenericRecord old =
        new GenericDatumReader<GenericRecord>(JobEvent.getClassSchema(), v2Event)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertThat(old.get("kind").toString()).isEqualTo("SUCCEEDED");
    assertThat(old.get("time")).isEqualTo(107L);
    assertThat(old.getSchema().getField("earlier")).isNull();
  }
}

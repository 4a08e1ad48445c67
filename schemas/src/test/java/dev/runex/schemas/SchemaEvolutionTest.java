package dev.runex.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The build's schema-evolution gate: every schema in src/main/avro must be BACKWARD compatible (new
 * reader reads old data) with each released version kept in schemas/history/vN. A change that
 * breaks it fails the build; to release, copy the new schemas into a new history/vN+1 folder (with
 * a COMPATIBILITY.md saying what changed). {@code JobEvent} must also be FORWARD compatible (every
 * released reader reads current events): consumers outside runex read the events topic.
 */
class SchemaEvolutionTest {
  private static final Path CURRENT =
      Path.of(System.getProperty("runex.schemas.dir", "src/main/avro"));
  private static final Path HISTORY =
      Path.of(System.getProperty("runex.schemas.history.dir", "history"));
  private static final String JOB_EVENT = "dev.runex.schemas.JobEvent";

  @Test
  void everyCurrentSchemaReadsEveryReleasedVersion() throws IOException {
    List<String> problems = new ArrayList<>();
    try (Stream<Path> versions = Files.list(HISTORY)) {
      for (Path version : versions.sorted().toList()) {
        problems.addAll(
            incompatibilities(
                parseAll(version), parseAll(CURRENT), version.getFileName().toString()));
      }
    }
    assertThat(problems).as("BACKWARD-incompatible schema changes").isEmpty();
  }

  /**
   * Lifecycle events are read by consumers outside runex, which update their schema later: an older
   * reader must read new events too (FORWARD), not only the reverse.
   */
  @Test
  void everyReleasedJobEventReaderReadsTheCurrentEvents() throws IOException {
    List<Schema> current =
        parseAll(CURRENT).stream().filter(s -> s.getFullName().equals(JOB_EVENT)).toList();
    assertThat(current).hasSize(1);
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    try (Stream<Path> versions = Files.list(HISTORY)) {
      for (Path version : versions.sorted().toList()) {
        List<Schema> released =
            parseAll(version).stream().filter(s -> s.getFullName().equals(JOB_EVENT)).toList();
        problems.addAll(incompatibilities(current, released, version.getFileName() + " reading"));
        if (!released.isEmpty()) {
          checked.add(version.getFileName().toString());
        }
      }
    }
    assertThat(checked).as("released versions with a JobEvent").contains("v1", "v2", "v3");
    assertThat(problems).as("FORWARD-incompatible JobEvent changes").isEmpty();
  }

  @Test
  void theEventsPriorityIsOptionalAndNullByDefault() throws IOException {
    Schema event =
        parseAll(CURRENT).stream()
            .filter(s -> s.getFullName().equals(JOB_EVENT))
            .findFirst()
            .orElseThrow();
    Schema.Field priority = event.getField("priority");
    assertThat(priority).isNotNull();
    assertThat(priority.hasDefaultValue()).isTrue();
    assertThat(priority.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    assertThat(priority.schema().getTypes())
        .extracting(Schema::getFullName)
        .containsExactly("null", "dev.runex.schemas.JobPriority");
  }

  @Test
  void detectsARemovedFieldWithoutDefaultBeingAdded() {
    Schema old =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema added =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"b\",\"type\":\"string\"}]}");
    assertThat(incompatibilities(List.of(old), List.of(added), "test")).hasSize(1);
  }

  @Test
  void everyReleasedSchemaStillExists() throws IOException {
    List<String> currentNames = parseAll(CURRENT).stream().map(Schema::getFullName).toList();
    try (Stream<Path> versions = Files.list(HISTORY)) {
      for (Path version : versions.toList()) {
        for (Schema s : parseAll(version)) {
          assertThat(currentNames)
              .as("schema " + s.getFullName() + " from " + version)
              .contains(s.getFullName());
        }
      }
    }
  }

  private static List<String> incompatibilities(
      List<Schema> writers, List<Schema> readers, String label) {
    List<String> problems = new ArrayList<>();
    for (Schema writer : writers) {
      for (Schema reader : readers) {
        if (!reader.getFullName().equals(writer.getFullName())) {
          continue;
        }
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add(
              writer.getFullName()
                  + " vs "
                  + label
                  + ": "
                  + result.getResult().getIncompatibilities());
        }
      }
    }
    return problems;
  }

  /** Parses a folder of .avsc files, retrying files that reference types defined in later files. */
  private static List<Schema> parseAll(Path dir) throws IOException {
    List<Path> pending;
    try (Stream<Path> s = Files.list(dir)) {
      pending = new ArrayList<>(s.filter(p -> p.toString().endsWith(".avsc")).sorted().toList());
    }
    List<String> okTexts = new ArrayList<>();
    boolean progress = true;
    while (!pending.isEmpty() && progress) {
      progress = false;
      for (Path f : List.copyOf(pending)) {
        Schema.Parser parser = new Schema.Parser();
        try {
          for (String t : okTexts) {
            parser.parse(t);
          }
          parser.parse(Files.readString(f));
          okTexts.add(Files.readString(f));
          pending.remove(f);
          progress = true;
        } catch (org.apache.avro.AvroRuntimeException e) {
          // references a type defined in a file not parsed yet
        }
      }
    }
    assertThat(pending).as("schemas that never parsed in " + dir).isEmpty();
    Schema.Parser parser = new Schema.Parser();
    List<Schema> parsed = new ArrayList<>();
    for (String t : okTexts) {
      parsed.add(parser.parse(t));
    }
    return parsed;
  }
}

package dev.runex.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.runex.schemas.DeadLetter;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.lifecycle.Lifecycle;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.topology.intake.IntakeCase;
import dev.runex.topology.intake.IntakeCases;
import dev.runex.topology.intake.IntakeReasons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Intake fuzzing through the real topology ({@link RunexTopology#build} under a TopologyTestDriver
 * with the real exactly-once settings): streams of good and bad records, mixed, go in one driver,
 * record after record. Each must leave the processor without an exception (which would kill a
 * stream thread) and with exactly one outcome: a valid job (its VALIDATED event: the job then goes
 * on to {@code validated} or, due now, straight to its pool), or a REJECTED result with a
 * documented reason code (when the record names a job) plus a dead letter carrying the original
 * bytes. Good records keep becoming jobs whatever came before them.
 */
class IntakeProcessorPropertyTest {
  private static final SchemaRegistryClient REGISTRY =
      SchemaRegistryClient.forUrl("mock://intake-processor-properties");
  private static final IntakeCases CASES = new IntakeCases(REGISTRY);

  private static Path stateDir;
  private static TopologyHarness h;
  private static TestInputTopic<byte[], byte[]> intake;
  private static TestOutputTopic<String, JobEvent> events;
  private static TestOutputTopic<String, JobResult> results;
  private static TestOutputTopic<byte[], DeadLetter> deadLetters;

  @BeforeContainer
  static void startDriver() throws IOException {
    stateDir = Files.createTempDirectory("runex-intake-fuzz");
    h = new TopologyHarness(stateDir, Map.of(), REGISTRY);
    intake = h.input(h.topics.intake());
    events = h.output(h.topics.events());
    results = h.output(h.topics.results());
    deadLetters = h.output(h.topics.deadLetter());
  }

  @AfterContainer
  static void closeDriver() throws IOException {
    h.close();
    try (Stream<Path> files = Files.walk(stateDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<List<IntakeCase>> streams() {
    return CASES.any().list().ofMinSize(5).ofMaxSize(30);
  }

  @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
  void everyRecordBecomesAJobOrARejectionAndTheStreamGoesOn(
      @ForAll("streams") List<IntakeCase> stream) {
    for (IntakeCase c : stream) {
      assertThatCode(() -> intake.pipeInput(new TestRecord<>(c.key(), c.value())))
          .as(c.toString())
          .doesNotThrowAnyException();

      List<JobEvent> jobs =
          events.readValuesToList().stream()
              .flatMap(e -> Lifecycle.transitions(e).stream())
              .filter(e -> e.getKind() == JobEventKind.VALIDATED)
              .toList();
      List<JobResult> rejected =
          results.readValuesToList().stream()
              .filter(r -> r.getStatus() == JobStatus.REJECTED)
              .toList();
      List<DeadLetter> dead =
          deadLetters.readValuesToList().stream()
              .filter(d -> Lifecycle.INTAKE.equals(d.getStage()))
              .toList();
      boolean job = jobs.size() == 1 && rejected.isEmpty() && dead.isEmpty();
      boolean refused = jobs.isEmpty() && dead.size() == 1 && rejected.size() <= 1;
      switch (c.expect()) {
        case JOB -> assertThat(job).as("a job from " + c + ": " + dead).isTrue();
        case REJECTED -> assertThat(refused).as("a rejection of " + c + ": " + jobs).isTrue();
        case EITHER -> assertThat(job || refused).as("one outcome of " + c).isTrue();
      }
      if (refused) {
        DeadLetter d = dead.get(0);
        assertThat(d.getReason().getCode()).as(c.toString()).isIn(IntakeReasons.CODES);
        assertThat(d.getReason().getMessage()).as(c.toString()).isNotBlank();
        assertThat(bytes(d.getOriginalValue())).as(c.toString()).isEqualTo(c.value());
        rejected.forEach(
            r -> assertThat(r.getError().getCode()).isEqualTo(d.getReason().getCode()));
        assertThat(rejected)
            .as("a result exactly when the record names a job")
            .hasSize(d.getJobId() == null ? 0 : 1);
      }
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}

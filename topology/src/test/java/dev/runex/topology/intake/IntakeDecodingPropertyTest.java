package dev.runex.topology.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.runex.schemas.JobRequest;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.serde.SchemaRegistryClient;
import dev.runex.topology.TestConfigs;
import dev.runex.topology.intake.DecodeResult.Decoded;
import dev.runex.topology.intake.DecodeResult.Undecodable;
import dev.runex.topology.intake.FaultyRegistry.Fault;
import dev.runex.topology.validation.JobValidator;
import dev.runex.topology.validation.Validation;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Intake fuzzing at the level of the pure decisions: the real {@link IntakeDecoder} (JSON and
 * Confluent-framed Avro, with {@link JsonRequestParser}) and the real {@link JobValidator} never
 * throw on any record; each ends as a job or as a refusal with one of the documented reason codes
 * and a message. A failing registry never turns a record into a refusal unless it answered "no such
 * schema": otherwise the record is retried ({@link RegistryUnavailableException}).
 */
class IntakeDecodingPropertyTest {

  private static final long NOW = 1_772_359_200_000L; // 2026-03-01T10:00:00Z
  private static final SchemaRegistryClient REGISTRY =
      SchemaRegistryClient.forUrl("mock://intake-decoding-properties");
  private static final IntakeCases CASES = new IntakeCases(REGISTRY);
  private static final JobValidator VALIDATOR = new JobValidator(TestConfigs.config());

  private final IntakeDecoder decoder = new IntakeDecoder(REGISTRY, IntakeCases.MAX_REQUEST_BYTES);

  @Provide
  Arbitrary<IntakeCase> records() {
    return CASES.any();
  }

  @Provide
  Arbitrary<IntakeCase> avroRecords() {
    return Arbitraries.oneOf(
        CASES.goodAvro(),
        CASES.truncatedAvro(),
        CASES.mutatedAvro(),
        CASES.unknownSchemaId(),
        CASES.otherSchemaBody(),
        CASES.lyingAvroLengths(),
        CASES.extremeAvro());
  }

  @Provide
  Arbitrary<List<Fault>> faultScripts() {
    return Arbitraries.of(Fault.class).list().ofMinSize(1).ofMaxSize(3);
  }

  @Property(tries = 7000, edgeCases = EdgeCasesMode.NONE)
  void everyRecordEndsAsAJobOrARefusalWithAReasonCode(@ForAll("records") IntakeCase c) {
    Validation v = outcome(decoder, c);

    switch (c.expect()) {
      case JOB -> assertThat(v).as(c.toString()).isInstanceOf(Validation.Valid.class);
      case REJECTED -> assertThat(v).as(c.toString()).isInstanceOf(Validation.Invalid.class);
      case EITHER -> assertThat(v).as(c.toString()).isNotNull();
    }
    if (v instanceof Validation.Invalid invalid) {
      assertThat(invalid.code()).as(c.toString()).isIn(IntakeReasons.CODES);
      assertThat(invalid.message()).as(c.toString()).isNotBlank();
    } else {
      assertThat(((Validation.Valid) v).job().getId()).as(c.toString()).isNotBlank();
    }
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void aFailingRegistryRetriesTheRecordUnlessItSaysTheSchemaDoesNotExist(
      @ForAll("avroRecords") IntakeCase c, @ForAll("faultScripts") List<Fault> script) {
    IntakeDecoder faulty =
        new IntakeDecoder(new FaultyRegistry(REGISTRY, script), IntakeCases.MAX_REQUEST_BYTES);
    Validation healthy = outcome(decoder, c);

    Validation[] v = new Validation[1];
    Throwable thrown = catchThrowable(() -> v[0] = outcome(faulty, c));

    if (thrown != null) {
      // the only way out of the decoder: a retriable "registry unavailable", and only when the
      // registry did fail without saying "not found"
      assertThat(thrown).as(c.toString()).isInstanceOf(RegistryUnavailableException.class);
      assertThat(script)
          .as(c.toString())
          .containsAnyOf(Fault.UNAVAILABLE, Fault.UNEXPECTED, Fault.NULL);
    } else if (!v[0].equals(healthy)) {
      // the registry's "no such schema" is an answer about the record: the one way a failing
      // registry may change the verdict, to a refusal
      assertThat(v[0])
          .as(c.toString())
          .isEqualTo(
              new Validation.Invalid(
                  ReasonCode.UNKNOWN_SCHEMA_ID.code(),
                  "schema id "
                      + ByteBuffer.wrap(c.value(), 1, 4).getInt()
                      + " is not known to the schema registry"));
      assertThat(script).as(c.toString()).contains(Fault.NOT_FOUND);
    }
  }

  @Property(tries = 200)
  void aRegistryThatCannotAnswerNeverRefusesAGoodRecord(
      @ForAll("goodAvro") IntakeCase c, @ForAll("unanswered") Fault fault) {
    IntakeDecoder faulty =
        new IntakeDecoder(
            new FaultyRegistry(REGISTRY, List.of(fault)), IntakeCases.MAX_REQUEST_BYTES);

    assertThatThrownBy(() -> faulty.decode("runex.intake", c.value()))
        .isInstanceOf(RegistryUnavailableException.class);
  }

  @Provide
  Arbitrary<IntakeCase> goodAvro() {
    return CASES.goodAvro();
  }

  @Provide
  Arbitrary<Fault> unanswered() {
    return Arbitraries.of(Fault.UNAVAILABLE, Fault.UNEXPECTED, Fault.NULL);
  }

  /** Decode, then validate what decoded: the intake processor's two decisions. */
  static Validation outcome(IntakeDecoder decoder, IntakeCase c) {
    DecodeResult d = decoder.decode("runex.intake", c.value());
    assertThat(d.format()).isNotNull();
    if (d instanceof Undecodable u) {
      return new Validation.Invalid(u.code(), u.message());
    }
    JobRequest request = ((Decoded) d).request();
    return VALIDATOR.validate(request, c.key(), c.value().length, NOW, NOW); // decoded: not null
  }
}

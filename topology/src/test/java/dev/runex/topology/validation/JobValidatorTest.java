package dev.runex.topology.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.Job;
import dev.runex.schemas.JobLimits;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.ReasonCode;
import dev.runex.topology.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobValidatorTest {
  private static final long NOW = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
  private static final long RECORD_TS = NOW - 5_000;
  private static final byte[] KEY = "key-1".getBytes(StandardCharsets.UTF_8);

  private final JobValidator validator =
      new JobValidator(TestConfigs.config(), () -> "generated-id");

  @Test
  void resolvesDefaultsFromTheJobType() {
    // given
    JobRequest request = resize().setParams(params("width", 640L)).build();

    // when
    Job job = valid(validator.validate(request, KEY, 100, RECORD_TS, NOW));

    // then
    assertThat(job.getId()).isEqualTo("key-1");
    assertThat(job.getType()).isEqualTo("resize");
    assertThat(job.getTenant()).isEqualTo("acme");
    assertThat(job.getPool()).isEqualTo("gpu");
    assertThat(job.getPartitionKey()).isEqualTo("key-1");
    assertThat(job.getAttempt()).isEqualTo(1);
    assertThat(job.getMaxAttempts()).isEqualTo(2);
    assertThat(job.getTimeoutMs()).isEqualTo(10_000L);
    assertThat(job.getSubmittedAt()).isEqualTo(Instant.ofEpochMilli(RECORD_TS));
    assertThat(job.getDueAt()).isEqualTo(Instant.ofEpochMilli(RECORD_TS));
    assertThat(job.getFirstFailureAt()).isNull();
    assertThat(job.getLastError()).isNull();
  }

  @Test
  void keepsWhatTheRequestSaysWithinTheTypesLimits() {
    // given
    JobRequest request =
        resize()
            .setId("job-7")
            .setParams(params("width", 640L))
            .setPartitionKey("customer-7")
            .setIdempotencyKey("idem")
            .setLabels(Map.of("team", "img"))
            .setMaxAttempts(5)
            .setTimeoutMs(60_000L)
            .setDelayMs(2_000L)
            .build();

    // when
    Job job = valid(validator.validate(request, KEY, 100, RECORD_TS, NOW));

    // then
    assertThat(job.getId()).isEqualTo("job-7");
    assertThat(job.getPartitionKey()).isEqualTo("customer-7");
    assertThat(job.getIdempotencyKey()).isEqualTo("idem");
    assertThat(job.getLabels()).containsEntry("team", "img");
    assertThat(job.getMaxAttempts()).isEqualTo(5);
    assertThat(job.getTimeoutMs()).isEqualTo(60_000L);
    assertThat(job.getDueAt()).isEqualTo(Instant.ofEpochMilli(RECORD_TS + 2_000));
  }

  @Test
  void dueAtIsNotBeforeWhenGiven() {
    // given
    Instant notBefore = Instant.parse("2026-11-25T23:00:00Z");
    JobRequest request = echo().setNotBefore(notBefore).build();

    // when
    Job job = valid(validator.validate(request, KEY, 100, RECORD_TS, NOW));

    // then
    assertThat(job.getDueAt()).isEqualTo(notBefore);
  }

  @Test
  void submittedAtFallsBackToNowWithoutRecordTimestamp() {
    // when
    Job job = valid(validator.validate(echo().build(), KEY, 100, 0, NOW));

    // then
    assertThat(job.getSubmittedAt()).isEqualTo(Instant.ofEpochMilli(NOW));
  }

  @Test
  void generatesAnIdWhenNeitherRequestNorKeyHasOne() {
    // given: a key that is not valid UTF-8
    byte[] binaryKey = {(byte) 0xc3, (byte) 0x28};

    // then
    assertThat(valid(validator.validate(echo().build(), binaryKey, 100, RECORD_TS, NOW)).getId())
        .isEqualTo("generated-id");
    assertThat(valid(validator.validate(echo().build(), null, 100, RECORD_TS, NOW)).getId())
        .isEqualTo("generated-id");
  }

  @Test
  void aBlankRecordKeyIsNoJobId() {
    // given: keys that are text, but blank (a blank "id" field is refused as no id)
    for (String blank : new String[] {" ", "\t", "\n \r"}) {
      byte[] key = blank.getBytes(StandardCharsets.UTF_8);

      // then: the job gets a generated id, as without a key
      assertThat(valid(validator.validate(echo().build(), key, 100, RECORD_TS, NOW)).getId())
          .isEqualTo("generated-id");
    }
  }

  @Test
  void normalisesWholeNumberIntParamsToLong() {
    // given: JSON writes 640.0 as a double
    JobRequest request = resize().setParams(params("width", 640.0)).build();

    // when
    Job job = valid(validator.validate(request, KEY, 100, RECORD_TS, NOW));

    // then
    assertThat(job.getParams()).containsEntry("width", 640L);
  }

  @Test
  void acceptsEveryDeclaredParamType() {
    // given
    Map<String, Object> p = params("width", 1L);
    p.put("ratio", 2L);
    p.put("sharpen", false);
    p.put("label", "x");
    p.put("options", "[1, {\"a\": 2}]");

    // when
    Validation v = validator.validate(resize().setParams(p).build(), KEY, 100, RECORD_TS, NOW);

    // then
    assertThat(v).isInstanceOf(Validation.Valid.class);
  }

  @Test
  void rejectsUnknownType() {
    assertInvalid(
        echo().setType("mine-bitcoin").build(), ReasonCode.UNKNOWN_TYPE.code(), "mine-bitcoin");
  }

  @Test
  void rejectsTenantNotAllowedForType() {
    assertInvalid(echo().setTenant("acme").build(), ReasonCode.TENANT_NOT_ALLOWED.code(), "acme");
  }

  @Test
  void rejectsPriorityAboveWhatTheTypeAllows() {
    assertInvalid(
        echo().setPriority(JobPriority.HIGH).build(),
        ReasonCode.PRIORITY_NOT_ALLOWED.code(),
        "priority high is not allowed for type 'echo' (priorities: [normal, low])");
  }

  @Test
  void carriesAnAllowedPriorityOntoTheJobAndDefaultsToNormal() {
    // when
    Job high =
        valid(validator.validate(withWidthAndPriority(JobPriority.HIGH), KEY, 100, RECORD_TS, NOW));
    Job low =
        valid(
            validator.validate(
                echo().setPriority(JobPriority.LOW).build(), KEY, 100, RECORD_TS, NOW));
    Job unsaid = valid(validator.validate(echo().build(), KEY, 100, RECORD_TS, NOW));

    // then
    assertThat(high.getPriority()).isEqualTo(JobPriority.HIGH);
    assertThat(low.getPriority()).isEqualTo(JobPriority.LOW);
    assertThat(unsaid.getPriority()).isEqualTo(JobPriority.NORMAL);
  }

  @Test
  void rejectsBlankTypeTenantOrId() {
    assertInvalid(echo().setType(" ").build(), ReasonCode.INVALID_FIELD.code(), "type");
    assertInvalid(echo().setTenant("").build(), ReasonCode.INVALID_FIELD.code(), "tenant");
    assertInvalid(echo().setId(" ").build(), ReasonCode.INVALID_FIELD.code(), "id");
  }

  @Test
  void rejectsMissingRequiredParam() {
    assertInvalid(resize().build(), ReasonCode.PARAM_MISSING.code(), "params.width");
    assertInvalid(
        resize().setParams(params("width", null)).build(),
        ReasonCode.PARAM_MISSING.code(),
        "params.width");
  }

  @Test
  void rejectsParamOfWrongDeclaredType() {
    assertInvalid(withWidth("640"), ReasonCode.PARAM_TYPE.code(), "params.width must be an int");
    assertInvalid(withWidth(640.5), ReasonCode.PARAM_TYPE.code(), "params.width");
    assertInvalid(
        withParam("ratio", "fast"), ReasonCode.PARAM_TYPE.code(), "params.ratio must be a number");
    assertInvalid(
        withParam("sharpen", "yes"),
        ReasonCode.PARAM_TYPE.code(),
        "params.sharpen must be a boolean");
    assertInvalid(
        withParam("label", 3L), ReasonCode.PARAM_TYPE.code(), "params.label must be a string");
    assertInvalid(
        withParam("options", "\"just text\""),
        ReasonCode.PARAM_TYPE.code(),
        "params.options must be json");
    assertInvalid(withParam("options", "{broken"), ReasonCode.PARAM_TYPE.code(), "params.options");
  }

  @Test
  void rejectsUndeclaredParamUnlessTypeAllowsThem() {
    // given
    JobRequest strict = withParam("colour", "red");
    JobRequest lenient = echo().setParams(params("anything", "goes")).build();

    // then
    assertInvalid(strict, ReasonCode.PARAM_UNKNOWN.code(), "params.colour");
    assertThat(validator.validate(lenient, KEY, 100, RECORD_TS, NOW))
        .isInstanceOf(Validation.Valid.class);
  }

  @Test
  void rejectsPayloadAboveTypeLimit() {
    // when: echo allows 2048 bytes
    Validation atLimit = validator.validate(echo().build(), KEY, 2048, RECORD_TS, NOW);
    Validation above = validator.validate(echo().build(), KEY, 2049, RECORD_TS, NOW);

    // then
    assertThat(atLimit).isInstanceOf(Validation.Valid.class);
    assertThat(above)
        .isEqualTo(
            new Validation.Invalid(
                ReasonCode.PAYLOAD_TOO_LARGE.code(),
                "request is 2049 bytes, above type 'echo' maxPayloadBytes (2048)"));
  }

  @Test
  void rejectsTimeoutAboveTypeMaximumOrNotPositive() {
    assertInvalid(
        echo().setTimeoutMs(300_001L).build(), ReasonCode.TIMEOUT_TOO_LONG.code(), "PT5M");
    assertInvalid(
        echo().setTimeoutMs(0L).build(), ReasonCode.INVALID_FIELD.code(), "timeout must be > 0");
    assertThat(validator.validate(echo().setTimeoutMs(300_000L).build(), KEY, 1, RECORD_TS, NOW))
        .isInstanceOf(Validation.Valid.class);
  }

  @Test
  void rejectsMaxAttemptsOutsideOneToTheTypesLimit() {
    assertInvalid(
        withWidthAndAttempts(6), ReasonCode.ATTEMPTS_TOO_MANY.code(), "maxAttemptsLimit (5)");
    assertInvalid(
        withWidthAndAttempts(0), ReasonCode.INVALID_FIELD.code(), "maxAttempts must be >= 1");
  }

  @Test
  void rejectsBothNotBeforeAndDelayOrANegativeDelay() {
    assertInvalid(
        echo().setNotBefore(Instant.ofEpochMilli(NOW)).setDelayMs(5L).build(),
        ReasonCode.INVALID_FIELD.code(),
        "notBefore or delay");
    assertInvalid(
        echo().setDelayMs(-1L).build(), ReasonCode.INVALID_FIELD.code(), "delay must be >= 0");
  }

  @Test
  void keepsRequestLimitsWithinTheTypesOnTheJob() {
    // given: echo (java) has the default limits (64MB, 60s, 64 pids, 64MB files, 256KB output, no
    // network)
    JobLimits asked =
        JobLimits.newBuilder().setMemoryBytes(32L << 20).setPids(4).setNetwork(false).build();

    // when
    Job job = valid(validator.validate(echo().setLimits(asked).build(), KEY, 100, RECORD_TS, NOW));

    // then
    assertThat(job.getLimits()).isEqualTo(asked);
  }

  @Test
  void rejectsLimitsAboveTheTypesOrInvalid() {
    assertInvalid(
        limits(b -> b.setMemoryBytes(512L << 20)),
        ReasonCode.LIMIT_TOO_HIGH.code(),
        "limits.memory 512MB is above type 'echo' limit (64MB)");
    assertInvalid(limits(b -> b.setCpuMs(61_000L)), ReasonCode.LIMIT_TOO_HIGH.code(), "limits.cpu");
    assertInvalid(limits(b -> b.setPids(65)), ReasonCode.LIMIT_TOO_HIGH.code(), "limits.pids 65");
    assertInvalid(
        limits(b -> b.setOutputBytes(1L << 20)),
        ReasonCode.LIMIT_TOO_HIGH.code(),
        "limits.output 1MB");
    assertInvalid(
        limits(b -> b.setFileSizeBytes(1L << 30)),
        ReasonCode.LIMIT_TOO_HIGH.code(),
        "limits.fileSize 1GB");
    assertInvalid(
        limits(b -> b.setNetwork(true)),
        ReasonCode.LIMIT_TOO_HIGH.code(),
        "does not allow network access");
    assertInvalid(
        limits(b -> b.setMemoryBytes(1024L)),
        ReasonCode.INVALID_FIELD.code(),
        "limits.memory must be >= 16MB");
    assertInvalid(
        limits(b -> b.setCpuMs(10L)), ReasonCode.INVALID_FIELD.code(), "limits.cpu must be >= 1s");
    assertInvalid(
        limits(b -> b.setPids(0)), ReasonCode.INVALID_FIELD.code(), "limits.pids must be >= 1");
  }

  private static JobRequest limits(java.util.function.Consumer<JobLimits.Builder> set) {
    JobLimits.Builder b = JobLimits.newBuilder();
    set.accept(b);
    return echo().setLimits(b.build()).build();
  }

  @Test
  void keepsExpiresAtButRefusesOneAtOrBeforeTheRequestedStart() {
    Instant notBefore = Instant.ofEpochMilli(NOW + 60_000);
    assertThat(
            valid(
                    validator.validate(
                        echo()
                            .setNotBefore(notBefore)
                            .setExpiresAt(notBefore.plusMillis(1))
                            .build(),
                        KEY,
                        100,
                        RECORD_TS,
                        NOW))
                .getExpiresAt())
        .isEqualTo(notBefore.plusMillis(1));
    assertInvalid(
        echo().setNotBefore(notBefore).setExpiresAt(notBefore).build(),
        ReasonCode.INVALID_FIELD.code(),
        "expiresAt");
    assertInvalid(
        echo().setDelayMs(10_000L).setExpiresAt(Instant.ofEpochMilli(RECORD_TS + 5_000)).build(),
        ReasonCode.INVALID_FIELD.code(),
        "must be after the job's start time");
  }

  @Test
  void anExpiresAtAlreadyPastIsNotTheRequestsFaultAndPassesValidation() {
    // the queueing stage turns it into an EXPIRED result instead
    Job job =
        valid(
            validator.validate(
                echo().setExpiresAt(Instant.ofEpochMilli(NOW - 1)).build(),
                KEY,
                100,
                RECORD_TS,
                NOW));
    assertThat(job.getExpiresAt()).isEqualTo(Instant.ofEpochMilli(NOW - 1));
  }

  @Test
  void rejectsABlankIdempotencyKey() {
    assertInvalid(
        echo().setIdempotencyKey(" ").build(),
        ReasonCode.INVALID_FIELD.code(),
        "idempotencyKey must not be blank");
  }

  private void assertInvalid(JobRequest request, String code, String messagePart) {
    Validation v = validator.validate(request, KEY, 100, RECORD_TS, NOW);
    assertThat(v).isInstanceOf(Validation.Invalid.class);
    assertThat(((Validation.Invalid) v).code()).isEqualTo(code);
    assertThat(((Validation.Invalid) v).message()).contains(messagePart);
  }

  private static Job valid(Validation v) {
    assertThat(v).isInstanceOf(Validation.Valid.class);
    return ((Validation.Valid) v).job();
  }

  private static JobRequest.Builder echo() {
    return JobRequest.newBuilder().setType("echo").setTenant("demo");
  }

  private static JobRequest.Builder resize() {
    return JobRequest.newBuilder().setType("resize").setTenant("acme");
  }

  private static JobRequest withWidthAndPriority(JobPriority priority) {
    return resize().setParams(params("width", 1L)).setPriority(priority).build();
  }

  private static JobRequest withWidth(Object width) {
    return resize().setParams(params("width", width)).build();
  }

  private static JobRequest withWidthAndAttempts(int attempts) {
    return resize().setParams(params("width", 1L)).setMaxAttempts(attempts).build();
  }

  private static JobRequest withParam(String name, Object value) {
    Map<String, Object> p = params("width", 1L);
    p.put(name, value);
    return resize().setParams(p).build();
  }

  private static Map<String, Object> params(String name, Object value) {
    Map<String, Object> p = new HashMap<>();
    p.put(name, value);
    return p;
  }
}

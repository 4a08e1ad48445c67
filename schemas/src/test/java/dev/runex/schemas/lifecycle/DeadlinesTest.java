package dev.runex.schemas.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.Job;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private static final Instant DUE = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration UNLIMITED = null;
  private static final Duration ONE_MINUTE_QUEUE = Duration.ofMinutes(1);

  @Test
  void aJobWithoutDeadlineNeverExpires() {
    Job job = job(1, null).build();

    assertThat(Deadlines.startBy(job, UNLIMITED)).isNull();
    assertThat(Deadlines.expired(job, UNLIMITED, DUE.plus(Duration.ofDays(365)))).isFalse();
    assertThat(Deadlines.expired(job, null, DUE.plus(Duration.ofDays(365)))).isFalse();
  }

  @Test
  void expiresAtIsTheDeadlineAndStartingExactlyThenIsStillInTime() {
    Instant expiresAt = DUE.plusSeconds(30);
    Job job = job(1, expiresAt).build();

    assertThat(Deadlines.startBy(job, UNLIMITED)).isEqualTo(expiresAt);
    assertThat(Deadlines.expired(job, UNLIMITED, expiresAt)).isFalse();
    assertThat(Deadlines.expired(job, UNLIMITED, expiresAt.plusMillis(1))).isTrue();
  }

  @Test
  void maxQueueTimeCountsFromEachAttemptsDueTime() {
    Job retry = job(2, null).setDueAt(DUE.plus(Duration.ofHours(1))).build();

    assertThat(Deadlines.startBy(retry, ONE_MINUTE_QUEUE))
        .isEqualTo(DUE.plus(Duration.ofMinutes(61)));
    assertThat(
            Deadlines.expired(
                retry, ONE_MINUTE_QUEUE, DUE.plus(Duration.ofMinutes(61)).plusMillis(1)))
        .isTrue();
  }

  @Test
  void theEarlierOfExpiresAtAndMaxQueueTimeWins() {
    assertThat(Deadlines.startBy(job(1, DUE.plusSeconds(10)).build(), ONE_MINUTE_QUEUE))
        .isEqualTo(DUE.plusSeconds(10));
    assertThat(Deadlines.startBy(job(1, DUE.plusSeconds(600)).build(), ONE_MINUTE_QUEUE))
        .isEqualTo(DUE.plusSeconds(60));
  }

  @Test
  void anAttemptDueAfterItsDeadlineIsExpiredAtOnce() {
    // a retry whose back-off ends after the request's deadline can never start in time
    Job retry = job(2, DUE.plusSeconds(5)).setDueAt(DUE.plusSeconds(20)).build();

    assertThat(Deadlines.expired(retry, UNLIMITED, DUE)).isTrue();
  }

  @Test
  void expiredResultCountsOnlyTheAttemptsThatRanAndNamesTheDeadlineAndLastError() {
    Job retry =
        job(3, DUE.plusSeconds(5))
            .setLastError(Lifecycle.error("HANDLER_ERROR", "boom", null, true))
            .build();

    JobResult result = Deadlines.result(retry, UNLIMITED, DUE.plusSeconds(6).toEpochMilli(), "w1");

    assertThat(result.getStatus()).isEqualTo(JobStatus.EXPIRED);
    assertThat(result.getAttempts()).isEqualTo(2);
    assertThat(result.getStartedAt()).isNull();
    assertThat(result.getError().getCode()).isEqualTo("EXPIRED");
    assertThat(result.getError().getMessage())
        .contains(DUE.plusSeconds(5).toString(), "HANDLER_ERROR: boom");
  }

  private static Job.Builder job(int attempt, Instant expiresAt) {
    return Job.newBuilder()
        .setId("j")
        .setType("t")
        .setTenant("demo")
        .setPool("default")
        .setPartitionKey("j")
        .setAttempt(attempt)
        .setMaxAttempts(3)
        .setTimeoutMs(1000)
        .setSubmittedAt(DUE)
        .setDueAt(DUE)
        .setExpiresAt(expiresAt);
  }
}

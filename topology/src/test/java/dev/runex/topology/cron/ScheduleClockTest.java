package dev.runex.topology.cron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.schemas.JobRequest;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import dev.runex.schemas.ScheduleState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleClockTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void firesOnTimeAndMovesToTheNextFiring() {
    ScheduleState s = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST, T0);

    assertThat(ScheduleClock.tick(s, T0.minusMillis(1))).isEmpty();
    assertThat(ScheduleClock.tick(s, T0.plusMillis(200))).containsExactly(T0);
    assertThat(s.getNextFireAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(s.getLastJobId()).isEqualTo("every5@2026-03-01T10:00:00Z");
    assertThat(s.getRunning()).isTrue();
    assertThat(s.getFired()).isEqualTo(1);
  }

  @Test
  void catchUpLastFiresOnlyTheLatestMissedFiring() {
    // given: down from 10:00 to 10:22, four firings missed
    ScheduleState s = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST, T0);

    // when
    List<Instant> fired = ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(22)));

    // then
    assertThat(fired).containsExactly(T0.plus(Duration.ofMinutes(20)));
    assertThat(s.getSkipped()).isEqualTo(4);
    assertThat(s.getNextFireAt()).isEqualTo(T0.plus(Duration.ofMinutes(25)));
  }

  @Test
  void catchUpNoneFiresNoMissedFiringButAnOnTimeOne() {
    ScheduleState s = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.NONE, T0);

    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(22)))).isEmpty();
    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(25)).plusSeconds(30)))
        .containsExactly(T0.plus(Duration.ofMinutes(25)));
  }

  @Test
  void catchUpAllFiresEveryMissedFiringInOrderUpToTheCap() {
    ScheduleState s = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.ALL, T0);

    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(12))))
        .containsExactly(T0, T0.plus(Duration.ofMinutes(5)), T0.plus(Duration.ofMinutes(10)));

    ScheduleState longOutage = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.ALL, T0);
    // a day and two minutes later: 289 firings (10:00 to 10:00 the next day) all missed
    List<Instant> fired =
        ScheduleClock.tick(longOutage, T0.plus(Duration.ofDays(1)).plusSeconds(120));
    assertThat(fired).hasSize(ScheduleClock.MAX_CATCH_UP);
    assertThat(fired.get(fired.size() - 1)).isEqualTo(T0.plus(Duration.ofDays(1)));
    assertThat(longOutage.getSkipped()).isEqualTo(289 - ScheduleClock.MAX_CATCH_UP);
  }

  @Test
  void overlapSkipDropsAFiringWhileThePreviousJobRuns() {
    ScheduleState s = state(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST, T0);
    ScheduleClock.tick(s, T0);

    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(5)))).isEmpty();
    assertThat(s.getSkipped()).isEqualTo(1);
    assertThat(ScheduleClock.completed(s, "every5@2026-03-01T10:00:00Z")).isEmpty();
    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(10))))
        .containsExactly(T0.plus(Duration.ofMinutes(10)));
  }

  @Test
  void overlapBufferHoldsOneFiringUntilThePreviousJobFinishes() {
    ScheduleState s = state(ScheduleOverlap.BUFFER, ScheduleCatchUp.LAST, T0);
    ScheduleClock.tick(s, T0);

    // two firings while the first job runs: the newer replaces the buffered one
    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(5)))).isEmpty();
    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(10)))).isEmpty();
    assertThat(s.getBufferedFireAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(s.getSkipped()).isEqualTo(1);

    // a result of some older job changes nothing; the latest job's result releases the buffer
    assertThat(ScheduleClock.completed(s, "every5@2026-03-01T09:55:00Z")).isEmpty();
    assertThat(ScheduleClock.completed(s, "every5@2026-03-01T10:00:00Z"))
        .contains(T0.plus(Duration.ofMinutes(10)));
    assertThat(s.getBufferedFireAt()).isNull();
    assertThat(s.getLastJobId()).isEqualTo("every5@2026-03-01T10:10:00Z");
    assertThat(s.getRunning()).isTrue();
  }

  @Test
  void overlapAllowFiresWhateverRuns() {
    ScheduleState s = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST, T0);
    ScheduleClock.tick(s, T0);

    assertThat(ScheduleClock.tick(s, T0.plus(Duration.ofMinutes(5)))).hasSize(1);
  }

  @Test
  void aFiringWithinTheLeadOfAnIdleScheduleIsFiredAheadOnceAndTheStateMovesOn() {
    ScheduleState s = state(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST, T0);
    Duration lead = Duration.ofSeconds(1);

    assertThat(ScheduleClock.fireAhead(s, T0.minusMillis(1_001), lead)).isEmpty();
    assertThat(s.getNextFireAt()).isEqualTo(T0);
    assertThat(ScheduleClock.fireAhead(s, T0.minusMillis(1_000), lead)).contains(T0);
    assertThat(s.getNextFireAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    assertThat(s.getLastJobId()).isEqualTo("every5@2026-03-01T10:00:00Z");
    assertThat(s.getRunning()).isTrue();
    assertThat(s.getFired()).isEqualTo(1);
    // and neither a second time ahead nor when it is due
    assertThat(ScheduleClock.fireAhead(s, T0.minusMillis(500), lead)).isEmpty();
    assertThat(ScheduleClock.tick(s, T0)).isEmpty();
  }

  @Test
  void aFiringDueNowOrWithNoLeadIsNotFiredAheadButWhenDue() {
    ScheduleState s = state(ScheduleOverlap.ALLOW, ScheduleCatchUp.LAST, T0);

    assertThat(ScheduleClock.fireAhead(s, T0, Duration.ofSeconds(1))).isEmpty();
    assertThat(ScheduleClock.fireAhead(s, T0.minusMillis(1), Duration.ZERO)).isEmpty();
    assertThat(s.getFired()).isZero();
    assertThat(ScheduleClock.tick(s, T0)).containsExactly(T0);
  }

  @Test
  void whileThePreviousJobRunsOnlyAllowFiresAhead() {
    for (ScheduleOverlap overlap : ScheduleOverlap.values()) {
      // given: the 09:55 job still runs at 09:59:59.5
      ScheduleState s = state(overlap, ScheduleCatchUp.LAST, T0.minus(Duration.ofMinutes(5)));
      ScheduleClock.tick(s, T0.minus(Duration.ofMinutes(5)));
      assertThat(s.getRunning()).isTrue();

      Instant now = T0.minusMillis(500);
      if (overlap == ScheduleOverlap.ALLOW) {
        assertThat(ScheduleClock.fireAhead(s, now, Duration.ofSeconds(1))).contains(T0);
      } else {
        // the job may still end before 10:00, so skipping or holding is decided then
        assertThat(ScheduleClock.fireAhead(s, now, Duration.ofSeconds(1)))
            .as("%s", overlap)
            .isEmpty();
        assertThat(s.getNextFireAt()).isEqualTo(T0);
        ScheduleClock.completed(s, "every5@2026-03-01T09:55:00Z");
        assertThat(ScheduleClock.fireAhead(s, now, Duration.ofSeconds(1))).contains(T0);
      }
    }
  }

  @Test
  void aFiringAheadIsAJobNotBeforeItsFireTime() {
    JobRequest r =
        ScheduledJobs.request(schedule(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST), T0, T0);

    assertThat(r.getId()).isEqualTo("every5@2026-03-01T10:00:00Z");
    assertThat(r.getNotBefore()).isEqualTo(T0);
    assertThat(r.getLabels()).containsEntry("runex.scheduledFor", "2026-03-01T10:00:00Z");
  }

  @Test
  void aFiringIsAJobWithADeterministicIdTheScheduleLabelsAndNoTimesOfItsOwn() {
    Schedule schedule = schedule(ScheduleOverlap.SKIP, ScheduleCatchUp.LAST);
    schedule.getJob().setNotBefore(T0);
    schedule.getJob().setExpiresAt(T0);

    JobRequest r = ScheduledJobs.request(schedule, T0, null);

    assertThat(r.getId()).isEqualTo("every5@2026-03-01T10:00:00Z").isEqualTo(r.getIdempotencyKey());
    assertThat(r.getLabels())
        .containsEntry("team", "ops")
        .containsEntry("runex.schedule", "every5")
        .containsEntry("runex.scheduledFor", "2026-03-01T10:00:00Z");
    assertThat(r.getNotBefore()).isNull();
    assertThat(r.getExpiresAt()).isNull();
    assertThat(r.getType()).isEqualTo("echo");
  }

  static Schedule schedule(ScheduleOverlap overlap, ScheduleCatchUp catchUp) {
    JobRequest job =
        JobRequest.newBuilder()
            .setType("echo")
            .setTenant("demo")
            .setLabels(Map.of("team", "ops"))
            .build();
    return Schedule.newBuilder()
        .setName("every5")
        .setCron("0 */5 * * * *")
        .setZone("UTC")
        .setJob(job)
        .setOverlap(overlap)
        .setCatchUp(catchUp)
        .build();
  }

  private static ScheduleState state(
      ScheduleOverlap overlap, ScheduleCatchUp catchUp, Instant next) {
    return ScheduleState.newBuilder()
        .setSchedule(schedule(overlap, catchUp))
        .setNextFireAt(next)
        .build();
  }
}

package dev.runex.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runex.workers.CommitPolicy.Work;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the worker commits: on the interval under load, after the minimum gap when idle. */
class CommitPolicyTest {
  private static final CommitPolicy POLICY =
      new CommitPolicy(Duration.ofMillis(100), Duration.ofMillis(10));
  private static final Work BUSY = new Work(true, false);
  private static final Work IDLE = new Work(true, true);
  private static final Work NOTHING_PENDING = new Work(false, true);

  @Test
  void underLoadOutputsWaitForTheInterval() {
    assertThat(POLICY.due(ms(99), BUSY)).isFalse();
    assertThat(POLICY.untilDue(ms(40), BUSY)).isEqualTo(ms(60));
    assertThat(POLICY.due(ms(100), BUSY)).isTrue();
  }

  @Test
  void withNothingAtHandPendingOutputsCommitOnceTheGapHasPassed() {
    assertThat(POLICY.due(ms(9), IDLE)).isFalse();
    assertThat(POLICY.untilDue(ms(4), IDLE)).isEqualTo(ms(6));
    assertThat(POLICY.due(ms(10), IDLE)).isTrue();
  }

  @Test
  void anIdleLoopWithNothingPendingWaitsForTheInterval() {
    // an empty round must not become a commit (or a wake-up) every gap
    assertThat(POLICY.due(ms(50), NOTHING_PENDING)).isFalse();
    assertThat(POLICY.untilDue(ms(50), NOTHING_PENDING)).isEqualTo(ms(50));
  }

  @Test
  void overdueIsZeroNeverNegative() {
    assertThat(POLICY.untilDue(ms(250), BUSY)).isZero();
    assertThat(POLICY.untilDue(ms(250), IDLE)).isZero();
  }

  @Test
  void aGapLongerThanTheIntervalMeansCommittingOnTheIntervalOnly() {
    CommitPolicy intervalOnly = new CommitPolicy(ms(100), ms(500));
    assertThat(intervalOnly.minGap()).isEqualTo(ms(100));
    assertThat(intervalOnly.due(ms(99), IDLE)).isFalse();
    assertThat(intervalOnly.due(ms(100), IDLE)).isTrue();
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}

package dev.runex.gateway.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobPriority;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleStatsTest {
  private final RunexConfig cfg = ConfigLoader.load(null, Map.of(), Map.of());
  private final LifecycleStats stats = new LifecycleStats(cfg, Duration.ofMinutes(10));
  private final Instant t0 = Instant.now().minusSeconds(20);

  @Test
  void foldsEventsIntoInFlightDelayedRatesPercentilesAndTheFailureRate() {
    // given: a succeeded, a failed, a delayed and a running job of tenant demo (pool default)
    run("ok", "demo", 200, 1_000, JobEventKind.SUCCEEDED);
    run("bad", "demo", 400, 3_000, JobEventKind.FAILED);
    stats.accept(event("later", "demo", JobEventKind.DELAYED, t0, null));
    stats.accept(event("busy", "demo", JobEventKind.SCHEDULED, t0, t0));
    stats.accept(event("busy", "demo", JobEventKind.STARTED, t0.plusMillis(100), t0));
    // and another tenant's finished job
    run("theirs", "acme", 50, 100, JobEventKind.SUCCEEDED);

    // when
    PoolStats all = stats.stats("default", Optional.empty());
    PoolStats demo = stats.stats("default", Optional.of("demo"));

    // then
    assertThat(all.inFlight()).isEqualTo(1);
    assertThat(all.delayed()).isEqualTo(1);
    assertThat(all.startedPerSecond()).isCloseTo(4 / 60.0, within(1e-9));
    assertThat(all.finishedPerSecond()).isCloseTo(3 / 60.0, within(1e-9));
    assertThat(demo.failureRate()).isEqualTo(0.5);
    assertThat(demo.queueWaitP99Ms()).isBetween(395L, 405L);
    assertThat(demo.runP50Ms()).isBetween(990L, 1010L);
    assertThat(demo.runP99Ms()).isBetween(2980L, 3020L);
    assertThat(stats.stats("default", Optional.of("acme")).inFlight()).isZero();
    assertThat(stats.stats("default", Optional.of("acme")).failureRate()).isZero();
    assertThat(stats.stats("default", Optional.of("nobody")).failureRate()).isNull();
    assertThat(all.series()).hasSizeGreaterThanOrEqualTo(120);
    assertThat(all.series().stream().mapToDouble(PoolStats.Point::finished).sum() * 5)
        .isCloseTo(3, within(1e-9));
  }

  @Test
  void anUnfinishedJobIsKnownByIdWithItsTenantAndLatestTransitionUntilItEnds() {
    Instant at = t0.truncatedTo(ChronoUnit.MILLIS); // events carry milliseconds
    assertThat(stats.unfinished("j")).isEmpty();

    stats.accept(event("j", "acme", JobEventKind.SCHEDULED, at, at));
    assertThat(stats.unfinished("j")).contains(new LifecycleStats.Unfinished("acme", at));
    stats.accept(event("j", null, JobEventKind.STARTED, at.plusMillis(100), at));
    assertThat(stats.unfinished("j"))
        .as("the tenant of an earlier transition, the time of the latest")
        .contains(new LifecycleStats.Unfinished("acme", at.plusMillis(100)));

    stats.accept(event("j", "acme", JobEventKind.SUCCEEDED, at.plusMillis(200), at));
    assertThat(stats.unfinished("j")).isEmpty();
  }

  @Test
  void aRecordOfSeveralTransitionsCountsLikeThoseTransitionsOneByOne() {
    // given: the same short job, once as one record per transition and once as the records a
    // worker writes when it starts and ends the job in one transaction
    run("apart", "demo", 200, 1_000, JobEventKind.SUCCEEDED);
    stats.accept(event("together", "acme", JobEventKind.SCHEDULED, t0, t0));
    stats.accept(
        Lifecycle.merge(
            List.of(
                event("together", "acme", JobEventKind.STARTED, t0.plusMillis(200), t0),
                event("together", "acme", JobEventKind.SUCCEEDED, t0.plusMillis(1_200), t0))));

    // when
    PoolStats apart = stats.stats("default", Optional.of("demo"));
    PoolStats together = stats.stats("default", Optional.of("acme"));

    // then
    assertThat(together.startedPerSecond()).isEqualTo(apart.startedPerSecond()).isPositive();
    assertThat(together.finishedPerSecond()).isEqualTo(apart.finishedPerSecond()).isPositive();
    assertThat(together.queueWaitP99Ms()).isEqualTo(apart.queueWaitP99Ms());
    assertThat(together.runP50Ms()).isEqualTo(apart.runP50Ms()).isBetween(990L, 1010L);
    assertThat(together.inFlight()).isZero();
  }

  @Test
  void eventsOlderThanTheWindowAreNotCountedAsRates() {
    Instant old = Instant.now().minus(Duration.ofMinutes(30));
    stats.accept(event("old", "demo", JobEventKind.STARTED, old, old));
    stats.accept(event("old", "demo", JobEventKind.SUCCEEDED, old.plusSeconds(1), old));

    PoolStats s = stats.stats("default", Optional.empty());
    assertThat(s.finishedPerSecond()).isZero();
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void keepsEachPrioritysFiguresInItsOwnRowAndThePoolTotalOverAll() {
    // given: a high job that waited 50 ms and failed after 300 ms, a low one still running, and a
    // job whose events name no priority (written before events carried it): normal
    runAt("h1", JobPriority.HIGH, 50, 300, JobEventKind.FAILED);
    runAt("n1", null, 2_000, 800, JobEventKind.SUCCEEDED);
    runAt("n2", JobPriority.NORMAL, 1_000, 600, JobEventKind.SUCCEEDED);
    JobEvent lowStart = event("l1", "demo", JobEventKind.STARTED, t0, t0);
    lowStart.setPriority(JobPriority.LOW);
    stats.accept(lowStart);
    JobEvent delayed = event("h2", "demo", JobEventKind.DELAYED, t0, null);
    delayed.setPriority(JobPriority.HIGH);
    stats.accept(delayed);

    // when
    PoolStats high = priority("high");
    PoolStats normal = priority("normal");
    PoolStats low = priority("low");
    PoolStats pool = stats.stats("default", Optional.empty());

    // then: the high job's figures are in high's row only
    assertThat(high.failureRate()).isEqualTo(1.0);
    assertThat(high.finishedPerSecond()).isCloseTo(1 / 60.0, within(1e-9));
    assertThat(high.queueWaitP99Ms()).isBetween(49L, 51L);
    assertThat(high.runP50Ms()).isBetween(297L, 303L);
    assertThat(high.delayed()).isEqualTo(1);
    assertThat(high.inFlight()).isZero();
    // and normal has both the null-priority job and the named one, nothing of high's
    assertThat(normal.failureRate()).isZero();
    assertThat(normal.startedPerSecond()).isCloseTo(2 / 60.0, within(1e-9));
    assertThat(normal.queueWaitP50Ms()).isBetween(990L, 1010L);
    assertThat(normal.queueWaitP99Ms()).isBetween(1980L, 2020L);
    assertThat(normal.delayed()).isZero();
    assertThat(low.inFlight()).isEqualTo(1);
    assertThat(low.finishedPerSecond()).isZero();
    assertThat(low.failureRate()).isNull();
    // and the pool's row is the sum
    assertThat(pool.startedPerSecond()).isCloseTo(4 / 60.0, within(1e-9));
    assertThat(pool.failureRate()).isCloseTo(1 / 3.0, within(1e-9));
    assertThat(pool.inFlight()).isEqualTo(1);
    assertThat(pool.delayed()).isEqualTo(1);
    assertThat(high.series().stream().mapToDouble(PoolStats.Point::finished).sum() * 5)
        .isCloseTo(1, within(1e-9));
    assertThat(normal.series().stream().mapToDouble(PoolStats.Point::finished).sum() * 5)
        .isCloseTo(2, within(1e-9));
  }

  @Test
  void anEventWithoutAPriorityKeepsThePriorityTheJobsEarlierEventsNamed() {
    // an older worker's events name no priority; the job stays in the row its topology events named
    JobEvent scheduled = event("h1", "demo", JobEventKind.SCHEDULED, t0, t0);
    scheduled.setPriority(JobPriority.HIGH);
    stats.accept(scheduled);
    stats.accept(event("h1", "demo", JobEventKind.STARTED, t0.plusMillis(10), t0));

    assertThat(priority("high").inFlight()).isEqualTo(1);
    assertThat(priority("normal").inFlight()).isZero();
  }

  @Test
  void samplesOfEachPriorityAddUpToThePools() {
    stats.sample("default", "high", 2);
    stats.sample("default", "normal", 5);
    stats.sample("default", "low", 0);

    assertThat(sampled(priority("high"))).isEqualTo(2);
    assertThat(sampled(priority("normal"))).isEqualTo(5);
    assertThat(sampled(stats.stats("default", Optional.empty()))).isEqualTo(7);
    assertThat(sampled(stats.stats("default", Optional.of("demo")))).isEqualTo(-1);
  }

  private PoolStats priority(String name) {
    return stats.stats("default", Optional.of(name), Optional.empty());
  }

  /** The waiting sample of the series (-1: none). */
  private static long sampled(PoolStats s) {
    return s.series().stream().mapToLong(PoolStats.Point::waiting).max().orElseThrow();
  }

  private void runAt(String id, JobPriority priority, long waitMs, long runMs, JobEventKind end) {
    Instant due = t0;
    Instant started = due.plusMillis(waitMs);
    for (JobEvent e :
        List.of(
            event(id, "demo", JobEventKind.SCHEDULED, due, due),
            event(id, "demo", JobEventKind.STARTED, started, due),
            event(id, "demo", end, started.plusMillis(runMs), due))) {
      e.setPriority(priority);
      stats.accept(e);
    }
  }

  private void run(String id, String tenant, long waitMs, long runMs, JobEventKind end) {
    Instant due = t0;
    Instant started = due.plusMillis(waitMs);
    stats.accept(event(id, tenant, JobEventKind.SCHEDULED, due, due));
    stats.accept(event(id, tenant, JobEventKind.STARTED, started, due));
    stats.accept(event(id, tenant, end, started.plusMillis(runMs), due));
  }

  private static JobEvent event(
      String id, String tenant, JobEventKind kind, Instant at, Instant due) {
    JobEvent e =
        Lifecycle.event(id, tenant, "echo", kind, "execution", "w1", null, at.toEpochMilli());
    e.setDueAt(due);
    e.setAttempt(1);
    return e;
  }
}

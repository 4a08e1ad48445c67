package dev.runex.gateway.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runex.config.ConfigLoader;
import dev.runex.config.RunexConfig;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.lifecycle.Lifecycle;
import java.time.Duration;
import java.time.Instant;
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
  void eventsOlderThanTheWindowAreNotCountedAsRates() {
    Instant old = Instant.now().minus(Duration.ofMinutes(30));
    stats.accept(event("old", "demo", JobEventKind.STARTED, old, old));
    stats.accept(event("old", "demo", JobEventKind.SUCCEEDED, old.plusSeconds(1), old));

    PoolStats s = stats.stats("default", Optional.empty());
    assertThat(s.finishedPerSecond()).isZero();
    assertThat(s.inFlight()).isZero();
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

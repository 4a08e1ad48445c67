package dev.runex.bench.subject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.runex.monitoring.RunexMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RunexTimingsTest {

  @Test
  void estimatesQuantilesWithinTheBucketTheyFallInCappedAtTheMaximum() {
    // 100 values: 50 at most 10 ms, 40 more at most 25 ms, 10 more at most 100 ms
    TreeMap<Double, Double> cumulative = new TreeMap<>();
    cumulative.put(10.0, 50.0);
    cumulative.put(25.0, 90.0);
    cumulative.put(100.0, 100.0);

    assertThat(RunexTimings.quantile(cumulative, 100, 0.5, 80)).isCloseTo(10.0, within(1e-9));
    // rank 99: 9 of the 10 values in (25, 100] -> 25 + 75 * 9/10
    assertThat(RunexTimings.quantile(cumulative, 100, 0.99, 95)).isCloseTo(92.5, within(1e-9));
    assertThat(RunexTimings.quantile(cumulative, 100, 0.99, 60)).as("capped").isEqualTo(60);
    assertThat(RunexTimings.quantile(new TreeMap<>(), 0, 0.99, 0)).isZero();
  }

  @Test
  void summarisesRunexTimersFromTheirBuckets() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    for (int i = 0; i < 99; i++) {
      RunexMeters.JOB_QUEUE_WAIT.timer(meters, "echo").record(Duration.ofMillis(3));
    }
    RunexMeters.JOB_QUEUE_WAIT.timer(meters, "echo").record(Duration.ofMillis(400));

    // 99 values in the bucket (1, 5] ms, one in (250, 500]
    assertThat(RunexTimings.summary(meters))
        .contains("due→start: n 100, mean 7.0, p50 ~3.0, p99 ~5.0, max 400.0 ms");
  }
}

package dev.runex.bench.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IoStatsTest {

  @Test
  void steadyRateIgnoresASlowStartAndTail() {
    // 100 results 10 ms apart (100/s), but the first and the last ten each 1 s apart.
    long[] arrivals = new long[100];
    long t = 0;
    for (int i = 0; i < 100; i++) {
      t += (i < 10 || i >= 90) ? 1_000_000_000L : 10_000_000L;
      arrivals[i] = t;
    }
    assertThat(IoStats.steadyRate(arrivals)).isCloseTo(100.0, within(0.01));
  }

  @Test
  void arrivalOrderDoesNotMatter() {
    long[] sorted = LongStream.range(0, 1000).map(i -> i * 5_000_000L).toArray(); // 200/s
    long[] reversed = LongStream.range(0, 1000).map(i -> (999 - i) * 5_000_000L).toArray();
    assertThat(IoStats.steadyRate(reversed)).isEqualTo(IoStats.steadyRate(sorted));
    assertThat(IoStats.steadyRate(sorted)).isCloseTo(200.0, within(0.01));
  }

  @Test
  void tooFewOrSimultaneousArrivalsHaveNoRate() {
    assertThat(IoStats.steadyRate(new long[5])).isNaN();
    assertThat(IoStats.steadyRate(new long[20])).isNaN();
  }

  @Test
  void cpuPerJobAndRatio() {
    assertThat(IoStats.cpuMsPerJob(3_000_000_000L, 1000)).isEqualTo(3.0);
    assertThat(IoStats.cpuMsPerJob(1, 0)).isNaN();
    assertThat(IoStats.ratio(300, 150)).isEqualTo(2.0);
    assertThat(IoStats.ratio(300, 0)).isNaN();
    assertThat(IoStats.ratio(Double.NaN, 1)).isNaN();
  }
}

package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  void readsTheCpuThisJvmAndAServerProcessUsed() {
    // given this JVM standing in as the "server" too (its own pid): both parts move with work done
    // here
    CpuMeter meter = CpuMeter.of(List.of(ProcessHandle.current().pid()));
    CpuUse before = meter.now().orElseThrow();

    // when this thread spins for 300 ms of its own CPU time
    long spinUntil = System.nanoTime() + 300_000_000L;
    long sink = 0;
    while (System.nanoTime() < spinUntil) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    CpuUse used = meter.now().orElseThrow().since(before);

    // then (on a shared machine the spin may get less than its whole wall time: allow half)
    assertThat(sink).isNotNegative();
    assertThat(used.benchJvm()).isGreaterThan(Duration.ofMillis(150));
    assertThat(used.servers()).isGreaterThan(Duration.ofMillis(150));
  }

  @Test
  void knowsNothingOfAProcessThatIsGone() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();

    assertThat(CpuMeter.of(List.of(gone.pid())).now()).isEqualTo(Optional.empty());
  }
}

package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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

    // when this thread spins until it has used 300 ms of CPU time (however long that takes on a
    // shared machine)
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long spinUntil = threads.getCurrentThreadCpuTime() + 300_000_000L;
    long sink = 0;
    while (threads.getCurrentThreadCpuTime() < spinUntil) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    CpuUse used = meter.now().orElseThrow().since(before);

    // then both count at least that thread's CPU time (less the clock-tick granularity)
    assertThat(sink).isNotNegative();
    assertThat(used.benchJvm()).isGreaterThan(Duration.ofMillis(250));
    assertThat(used.servers()).isGreaterThan(Duration.ofMillis(250));
  }

  @Test
  void knowsNothingOfAProcessThatIsGone() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();

    assertThat(CpuMeter.of(List.of(gone.pid())).now()).isEqualTo(Optional.empty());
  }
}

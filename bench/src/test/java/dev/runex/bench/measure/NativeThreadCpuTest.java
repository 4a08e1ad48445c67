package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeThreadCpuTest {

  @Test
  void readsANamesCpuTicksEvenWhenTheNameHoldsSpacesAndParentheses() {
    // given a stat line whose thread name has a space and a ')' in it; utime 250, stime 50 ticks
    String line =
        "4242 (C2 Compi) er) S 1 4200 4200 0 -1 4194368 123 0 0 0 250 50 0 0 20 0 31 0 100 0 0";

    NativeThreadCpu.ThreadStat stat = NativeThreadCpu.parse(line);

    // then 300 ticks of 10 ms
    assertThat(stat.name()).isEqualTo("C2 Compi) er");
    assertThat(stat.cpu()).isEqualTo(Duration.ofSeconds(3));
    assertThat(NativeThreadCpu.parse("4242 (cut short) S 1")).isNull();
    assertThat(NativeThreadCpu.parse("not a stat line")).isNull();
  }

  @Test
  void tellsTheKindOfAThreadByItsName() {
    assertThat(NativeThreadCpu.kindOf("C2 CompilerThre")).isEqualTo(NativeThreadCpu.COMPILER);
    assertThat(NativeThreadCpu.kindOf("C1 CompilerThre")).isEqualTo(NativeThreadCpu.COMPILER);
    assertThat(NativeThreadCpu.kindOf("GC Thread#1")).isEqualTo(NativeThreadCpu.COLLECTOR);
    assertThat(NativeThreadCpu.kindOf("G1 Conc#0")).isEqualTo(NativeThreadCpu.COLLECTOR);
    assertThat(NativeThreadCpu.kindOf("G1 Refine#0")).isEqualTo(NativeThreadCpu.COLLECTOR);
    assertThat(NativeThreadCpu.kindOf("VM Thread")).isEqualTo(NativeThreadCpu.COLLECTOR);
    assertThat(NativeThreadCpu.kindOf("rocksdb:low")).isEqualTo(NativeThreadCpu.ROCKSDB);
    assertThat(NativeThreadCpu.kindOf("rocksdb:high")).isEqualTo(NativeThreadCpu.ROCKSDB);
    assertThat(NativeThreadCpu.kindOf("runex-job-3")).isNull();
    assertThat(NativeThreadCpu.kindOf("kafka-producer-")).isNull();
  }

  @Test
  void findsThisJvmsCompilerAndCollectorThreads() {
    // given this JVM (Linux: the build runs here), which has compiled code by now
    NativeThreadCpu now = NativeThreadCpu.of(ProcessHandle.current().pid());

    assertThat(now.known()).isTrue();
    assertThat(now.byKind()).containsKeys(NativeThreadCpu.COMPILER, NativeThreadCpu.COLLECTOR);
    assertThat(now.get(NativeThreadCpu.COMPILER)).isPositive();
  }

  @Test
  void knowsNothingOfAProcessThatIsGone() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();

    assertThat(NativeThreadCpu.of(gone.pid()).known()).isFalse();
  }

  @Test
  void subtractsAndAddsByKindNeverBelowZero() {
    NativeThreadCpu earlier =
        new NativeThreadCpu(
            Map.of(
                NativeThreadCpu.COMPILER, Duration.ofMillis(500),
                NativeThreadCpu.ROCKSDB, Duration.ofMillis(300)));
    NativeThreadCpu later =
        new NativeThreadCpu(
            Map.of(
                NativeThreadCpu.COMPILER, Duration.ofMillis(800),
                NativeThreadCpu.ROCKSDB, Duration.ofMillis(100), // a thread ended in between
                NativeThreadCpu.COLLECTOR, Duration.ofMillis(40)));

    NativeThreadCpu used = later.since(earlier);

    assertThat(used.get(NativeThreadCpu.COMPILER)).isEqualTo(Duration.ofMillis(300));
    assertThat(used.get(NativeThreadCpu.ROCKSDB)).isEqualTo(Duration.ZERO);
    assertThat(used.get(NativeThreadCpu.COLLECTOR)).isEqualTo(Duration.ofMillis(40));
    assertThat(used.plus(earlier).get(NativeThreadCpu.COMPILER)).isEqualTo(Duration.ofMillis(800));
    assertThat(NativeThreadCpu.none().known()).isFalse();
  }
}

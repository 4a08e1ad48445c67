package dev.runex.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void tellsRunexPartsByTheirThreadNames() {
    String app = "bench-4psl2-drain-runex.topology";
    assertThat(ThreadCpu.partOf(app + "-status-1f2e-aeb1-StreamThread-1"))
        .isEqualTo(ThreadCpu.STATUS);
    assertThat(
            ThreadCpu.partOf(
                "kafka-producer-network-thread | " + app + "-status-1f2e-StreamThread-1-producer"))
        .isEqualTo(ThreadCpu.STATUS);
    assertThat(ThreadCpu.partOf("kafka-coordinator-heartbeat-thread | " + app + "-status"))
        .isEqualTo(ThreadCpu.STATUS);
    assertThat(ThreadCpu.partOf(app + "-9cc3-aeb1-StreamThread-2")).isEqualTo(ThreadCpu.TOPOLOGY);
    assertThat(ThreadCpu.partOf("runex-worker-default")).isEqualTo(ThreadCpu.WORKER);
    assertThat(ThreadCpu.partOf("runex-job-12")).isEqualTo(ThreadCpu.WORKER);
    assertThat(
            ThreadCpu.partOf(
                "kafka-producer-network-thread | runex-worker-bench-4psl2-drain-runex.worker-producer"))
        .isEqualTo(ThreadCpu.WORKER);
    assertThat(ThreadCpu.partOf("bench-bench-4psl2-drain-bare.bare-hop-1"))
        .isEqualTo(ThreadCpu.OTHER);
    assertThat(ThreadCpu.partOf("bench-results-bench-4psl2-drain-runex.results"))
        .isEqualTo(ThreadCpu.OTHER);
  }

  @Test
  void countsWhatEachLiveThreadUsedSinceTheEarlierSampleByPart() {
    // given thread 1 (topology) and 2 (status) at both samples, 3 (worker) ended in between and 4
    // (worker) started in between
    ThreadCpu earlier =
        new ThreadCpu(
            Map.of(
                1L, new ThreadCpu.Use(ThreadCpu.TOPOLOGY, 1_000),
                2L, new ThreadCpu.Use(ThreadCpu.STATUS, 5_000),
                3L, new ThreadCpu.Use(ThreadCpu.WORKER, 9_000)));
    ThreadCpu later =
        new ThreadCpu(
            Map.of(
                1L, new ThreadCpu.Use(ThreadCpu.TOPOLOGY, 1_500),
                2L, new ThreadCpu.Use(ThreadCpu.STATUS, 8_000),
                4L, new ThreadCpu.Use(ThreadCpu.WORKER, 700)));

    // when
    ThreadCpu used = later.since(earlier);
    Map<String, Duration> parts = used.byPart();

    // then
    assertThat(parts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                ThreadCpu.TOPOLOGY, Duration.ofNanos(500),
                ThreadCpu.STATUS, Duration.ofNanos(3_000),
                ThreadCpu.WORKER, Duration.ofNanos(700)));
    assertThat(used.total()).isEqualTo(Duration.ofNanos(4_200));
  }

  @Test
  void readsThisJvmsThreads() {
    // given this thread busy for a while
    long sum = 0;
    for (int i = 0; i < 5_000_000; i++) {
      sum += Long.hashCode(sum * 31 + i);
    }

    // when
    ThreadCpu now = ThreadCpu.of(ManagementFactory.getThreadMXBean());

    // then this thread is there, as "other", with the CPU it used
    assertThat(sum).isNotZero();
    assertThat(now.threads().get(Thread.currentThread().getId()))
        .satisfies(
            use -> {
              assertThat(use.part()).isEqualTo(ThreadCpu.OTHER);
              assertThat(use.nanos()).isPositive();
            });
  }
}

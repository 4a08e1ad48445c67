package dev.runex.bench.measure;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads the CPU time used so far by the bench JVM and by the server processes (by pid). Machine
 * time per job is steadier than a rate on a shared, noisy machine: a rate also moves with whatever
 * else gets the cores, the CPU a job costs much less.
 */
@FunctionalInterface
public interface CpuMeter {
  /** A meter that knows nothing: drains measured with it report no CPU use. */
  CpuMeter NONE = Optional::empty;

  /** The CPU used so far; empty when this platform does not tell. */
  Optional<CpuUse> now();

  /**
   * This JVM ({@code com.sun.management}'s process CPU time) and the processes {@code serverPids},
   * with their threads that run no Java code by kind where Linux's {@code /proc} tells.
   */
  static CpuMeter of(List<Long> serverPids) {
    if (!(ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os)) {
      return NONE;
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    return () -> {
      long jvm = os.getProcessCpuTime();
      NativeThreadCpu jvmNative = NativeThreadCpu.of(ProcessHandle.current().pid());
      Duration servers = Duration.ZERO;
      NativeThreadCpu serversNative = NativeThreadCpu.none();
      for (long pid : serverPids) {
        serversNative = serversNative.plus(NativeThreadCpu.of(pid));
        Optional<Duration> used = ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration());
        if (used.isEmpty()) {
          return Optional.empty(); // a server gone or unreadable: a partial sum would mislead
        }
        servers = servers.plus(used.get());
      }
      return jvm < 0
          ? Optional.empty()
          : Optional.of(
              new CpuUse(
                  Duration.ofNanos(jvm), servers, ThreadCpu.of(threads), jvmNative, serversNative));
    };
  }
}

package dev.runex.bench.measure;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits before a measurement until the JIT compilers have finished what the warm-up gave them.
 * HotSpot compiles in the background, one C2 thread on a 2-core machine, and runex's hot code (its
 * three Kafka applications, RocksDB's bindings, Avro, Micrometer) kept it busy for about a minute
 * after a 50,000-job warm-up: a measured drain started right away paid that compiling in its CPU
 * per job, and the bare chain's drain, measured after runex's warm-up, paid for compiling runex's
 * code. A long-running process has paid it once, long before.
 */
public final class QuietCompilers {
  /** How long each look at the compilers' CPU lasts. */
  public static final Duration WINDOW = Duration.ofSeconds(2);

  /** Quiet: the compilers used at most this share of one core over a window. */
  public static final double QUIET_SHARE = 0.05;

  /** Measure anyway after this long, saying so. */
  public static final Duration LIMIT = Duration.ofSeconds(180);

  /** Sleeps for a while. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * How the wait ended.
   *
   * @param quiet whether the compilers went quiet (false: the limit passed, or nothing to read)
   * @param waited the windows waited, in all
   * @param lastShare the compilers' share of one core over the last window; NaN if unknown
   */
  public record Wait(boolean quiet, Duration waited, double lastShare) {}

  private QuietCompilers() {}

  /**
   * Looks at {@code compilerCpu} (the compilers' CPU time so far; empty where it cannot be read)
   * window by window until one used at most {@link #QUIET_SHARE} of a core, or {@code limit}
   * passed. Returns at once, not quiet, when the CPU time cannot be read.
   */
  public static Wait await(
      Supplier<Optional<Duration>> compilerCpu, Sleeper sleeper, Duration window, Duration limit)
      throws InterruptedException {
    Optional<Duration> previous = compilerCpu.get();
    Duration waited = Duration.ZERO;
    double share = Double.NaN;
    while (previous.isPresent() && waited.compareTo(limit) < 0) {
      sleeper.sleep(window);
      waited = waited.plus(window);
      Optional<Duration> now = compilerCpu.get();
      if (now.isEmpty()) {
        break;
      }
      share = (double) now.get().minus(previous.get()).toNanos() / window.toNanos();
      if (share <= QUIET_SHARE) {
        return new Wait(true, waited, share);
      }
      previous = now;
    }
    return new Wait(false, waited, share);
  }
}

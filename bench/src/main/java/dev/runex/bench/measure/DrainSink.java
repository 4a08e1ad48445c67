package dev.runex.bench.measure;

import dev.runex.bench.load.JobPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Gathers a drain's results: counts distinct jobs of one tag and remembers when they were read, and
 * the CPU used so far when the results passed 10% and 90% of those expected (the steady span's
 * ends). {@link #accept} runs on the reader thread only; {@link #result} is valid once that thread
 * is joined.
 */
final class DrainSink implements ResultReader.ResultSink {
  private final String tag;
  private final int expected;
  private final CpuMeter cpu;
  private final int low;
  private final int high;
  private Optional<CpuUse> cpuAtLow = Optional.empty();
  private Optional<CpuUse> cpuAtHigh = Optional.empty();
  private final BitSet seen = new BitSet();
  private final CountDownLatch done = new CountDownLatch(1);

  /** One entry per poll that returned results: {read time, results read up to then}. */
  private final List<long[]> reads = new ArrayList<>();

  private volatile int distinct;
  private int failed;
  private int duplicates;

  DrainSink(String tag, int expected) {
    this(tag, expected, CpuMeter.NONE);
  }

  DrainSink(String tag, int expected, CpuMeter cpu) {
    this.tag = tag;
    this.expected = expected;
    this.cpu = cpu;
    this.low = Math.max(1, expected / 10);
    this.high = Math.max(1, expected - expected / 10);
  }

  @Override
  public void accept(String jobId, boolean succeeded, long readNanos) {
    int seq = JobPayload.seqOf(tag, jobId);
    if (seq < 0) {
      return;
    }
    if (seen.get(seq)) {
      duplicates++;
      return;
    }
    seen.set(seq);
    failed += succeeded ? 0 : 1;
    distinct++;
    if (distinct == low) {
      cpuAtLow = cpu.now();
    }
    if (distinct == high) {
      cpuAtHigh = cpu.now();
    }
    long[] last = reads.isEmpty() ? null : reads.get(reads.size() - 1);
    if (last != null && last[0] == readNanos) {
      last[1] = distinct;
    } else {
      reads.add(new long[] {readNanos, distinct});
    }
    if (distinct == expected) {
      done.countDown();
    }
  }

  /** Waits until every expected result is in; false on timeout. */
  boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int distinct() {
    return distinct;
  }

  /**
   * The drain's numbers, with {@code started} (nanoTime) as the moment the system was started. The
   * steady rate spans the reads that passed 10% and 90% of the expected results: start-up and the
   * last stragglers stay out, and so does most of the burstiness of results that become visible one
   * transaction at a time. The steady CPU use is what was used between the reads of those two
   * results.
   */
  DrainResult result(long started, int failedSends) {
    long[] first = reads.isEmpty() ? null : reads.get(0);
    long[] last = reads.isEmpty() ? null : reads.get(reads.size() - 1);
    long[] atLow = reaching(low);
    long[] atHigh = reaching(high);
    boolean steady = atLow != null && atHigh != null;
    return new DrainResult(
        expected + failedSends,
        distinct,
        failed,
        duplicates,
        failedSends,
        first == null ? Duration.ZERO : Duration.ofNanos(first[0] - started),
        last == null ? Duration.ZERO : Duration.ofNanos(last[0] - started),
        steady ? Duration.ofNanos(atHigh[0] - atLow[0]) : Duration.ZERO,
        steady ? (int) (atHigh[1] - atLow[1]) : 0,
        steady ? cpuAtHigh.flatMap(h -> cpuAtLow.map(h::since)) : Optional.empty());
  }

  private long[] reaching(int results) {
    return reads.stream().filter(r -> r[1] >= results).findFirst().orElse(null);
  }
}

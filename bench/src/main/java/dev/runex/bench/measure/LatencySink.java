package dev.runex.bench.measure;

import dev.runex.bench.load.JobPayload;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Gathers a latency run's results: probe results prove the system live; of the paced jobs, those of
 * the warm-up (sequence below {@code warm}) are ignored and the others recorded in microseconds
 * from their due send time. {@link #accept} runs on the reader thread only; {@link #result} is
 * valid once that thread is joined.
 */
final class LatencySink implements ResultReader.ResultSink {
  private final String tag;
  private final String probeTag;
  private final AtomicLongArray dueNanos;
  private final int warm;
  private final BitSet seen = new BitSet();
  private final Histogram micros = new Histogram(3);
  private final CountDownLatch live = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile int expected = Integer.MAX_VALUE;
  private volatile int received;
  private int failed;
  private int duplicates;

  LatencySink(String tag, String probeTag, AtomicLongArray dueNanos, int warm) {
    this.tag = tag;
    this.probeTag = probeTag;
    this.dueNanos = dueNanos;
    this.warm = warm;
  }

  @Override
  public void accept(String jobId, boolean succeeded, long readNanos) {
    if (JobPayload.seqOf(probeTag, jobId) >= 0) {
      live.countDown();
      return;
    }
    int seq = JobPayload.seqOf(tag, jobId);
    if (seq < warm) { // warm-up job, or not ours
      return;
    }
    if (seen.get(seq)) {
      duplicates++;
      return;
    }
    seen.set(seq);
    micros.recordValue(Math.max(0, (readNanos - dueNanos.get(seq)) / 1_000));
    failed += succeeded ? 0 : 1;
    received++;
    if (received >= expected) {
      done.countDown();
    }
  }

  /** True once a probe result has been read, false if none came within {@code timeout}. */
  boolean awaitLive(Duration timeout) throws InterruptedException {
    return live.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * How many measured results to wait for, known once every send is acknowledged (refused sends
   * never have one). Both threads check the count, so neither can miss the last result.
   */
  void expect(int results) {
    expected = results;
    if (received >= results) {
      done.countDown();
    }
  }

  /** Waits until the expected results are in; false on timeout. */
  boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int received() {
    return received;
  }

  LatencyResult result(int measured, int failedSends, Duration maxSendLate) {
    return LatencyResult.of(
        measured, received, failed, duplicates, failedSends, maxSendLate, micros);
  }
}

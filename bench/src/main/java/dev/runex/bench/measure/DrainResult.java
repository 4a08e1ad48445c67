package dev.runex.bench.measure;

import java.time.Duration;
import java.util.Optional;

/**
 * One drain measurement: a backlog of {@code expected} jobs, consumed from a standing start.
 *
 * @param expected jobs written to intake (refused sends included)
 * @param received distinct jobs whose result was read before the timeout
 * @param failed results that did not report success
 * @param duplicates results read for a job that already had one (exactly-once says 0)
 * @param failedSends intake sends the broker refused (jobs that can have no result)
 * @param startToFirst from starting the system to the first result read (start-up + pipeline fill)
 * @param startToLast from starting the system to the last result read
 * @param steadySpan from the read that passed 10% of the expected results to the one that passed
 *     90%
 * @param steadyJobs results read in that span (about 80% of them)
 * @param steadyCpu CPU used by the bench JVM and the servers in that span; empty when not measured
 * @param startToAllDone from starting the system until all was done: every result read and its
 *     consumers off the result path (runex's job-status application) caught up; empty when those
 *     did not catch up in time, or when not measured
 */
public record DrainResult(
    int expected,
    int received,
    int failed,
    int duplicates,
    int failedSends,
    Duration startToFirst,
    Duration startToLast,
    Duration steadySpan,
    int steadyJobs,
    Optional<CpuUse> steadyCpu,
    Optional<Duration> startToAllDone) {

  /** Without CPU use or off-path readers. */
  public DrainResult(
      int expected,
      int received,
      int failed,
      int duplicates,
      int failedSends,
      Duration startToFirst,
      Duration startToLast,
      Duration steadySpan,
      int steadyJobs) {
    this(
        expected,
        received,
        failed,
        duplicates,
        failedSends,
        startToFirst,
        startToLast,
        steadySpan,
        steadyJobs,
        Optional.empty());
  }

  /** Without off-path readers. */
  public DrainResult(
      int expected,
      int received,
      int failed,
      int duplicates,
      int failedSends,
      Duration startToFirst,
      Duration startToLast,
      Duration steadySpan,
      int steadyJobs,
      Optional<CpuUse> steadyCpu) {
    this(
        expected,
        received,
        failed,
        duplicates,
        failedSends,
        startToFirst,
        startToLast,
        steadySpan,
        steadyJobs,
        steadyCpu,
        Optional.empty());
  }

  /** Every job that reached intake has its result. */
  public boolean complete() {
    return received == expected - failedSends;
  }

  /** This result, with the time until all was done. */
  public DrainResult withAllDone(Optional<Duration> startToAllDone) {
    return new DrainResult(
        expected,
        received,
        failed,
        duplicates,
        failedSends,
        startToFirst,
        startToLast,
        steadySpan,
        steadyJobs,
        steadyCpu,
        startToAllDone);
  }

  /**
   * Jobs per second from the start until all was done (off-path readers included); NaN when
   * unknown.
   */
  public double allDoneJobsPerSecond() {
    return startToAllDone.map(d -> perSecond(received, d)).orElse(Double.NaN);
  }

  /**
   * Results per second once results flow (10%-90% of them): the pipeline's rate without start-up.
   */
  public double steadyJobsPerSecond() {
    return perSecond(steadyJobs, steadySpan);
  }

  /**
   * Whether the steady span is long enough to mean something: results become visible one
   * transaction at a time, so a span of fewer than two commit intervals measures burst timing, not
   * throughput (the backlog was too small for this system).
   */
  public boolean steadyMeasurable(Duration commitInterval) {
    return steadySpan.compareTo(commitInterval.multipliedBy(2)) >= 0;
  }

  /** Results per second from the moment the system was started (start-up included). */
  public double wallJobsPerSecond() {
    return perSecond(received, startToLast);
  }

  /**
   * How long after the last result all was done, as a multiple of the time to the last result (1.0:
   * the off-path consumers had caught up when it was read); NaN when unknown.
   */
  public double allDoneOverLastResult() {
    return startToAllDone
        .filter(d -> !startToLast.isZero())
        .map(d -> (double) d.toNanos() / startToLast.toNanos())
        .orElse(Double.NaN);
  }

  /** Microseconds of CPU per job in the steady span, all processes; NaN when not measured. */
  public double steadyCpuMicrosPerJob() {
    return steadyCpu.map(c -> CpuUse.microsPerJob(c.total(), steadyJobs)).orElse(Double.NaN);
  }

  /**
   * Cores kept busy on average in the steady span (CPU time over wall time); NaN when not measured.
   */
  public double steadyCoresBusy() {
    return steadyCpu
        .filter(c -> !steadySpan.isZero())
        .map(c -> (double) c.total().toNanos() / steadySpan.toNanos())
        .orElse(Double.NaN);
  }

  private static double perSecond(long jobs, Duration span) {
    return span.isZero() || jobs == 0 ? Double.NaN : jobs * 1e9 / span.toNanos();
  }
}

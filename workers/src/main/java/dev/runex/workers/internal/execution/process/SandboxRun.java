package dev.runex.workers.internal.execution.process;

import dev.runex.schemas.ResourceUsage;
import java.time.Duration;

/**
 * How one sandboxed run ended.
 *
 * @param ending exited by itself, stopped at the deadline, or cancelled by the worker
 * @param exitCode exit status (128 + signal when a signal ended it)
 * @param signal the signal that ended it, when known
 * @param stdout the first {@code limits.output} bytes of its standard output
 * @param stdoutBytes every byte it wrote to standard output
 * @param stdoutTruncated whether output was dropped past the cap
 * @param stderrTail the last few KB of its standard error
 * @param wall wall-clock time from start until every process was gone
 * @param cpuMs CPU time, when GNU time measured it
 * @param peakRssBytes peak resident set of its largest process, when measured
 * @param limit the limit that stopped or cut it (a {@code ReasonCode} limit), or null
 * @param isolation {@link ProcessSandbox#BUBBLEWRAP} or {@link ProcessSandbox#RLIMITS_ONLY}
 */
public record SandboxRun(
    Ending ending,
    int exitCode,
    Integer signal,
    byte[] stdout,
    long stdoutBytes,
    boolean stdoutTruncated,
    String stderrTail,
    Duration wall,
    Long cpuMs,
    Long peakRssBytes,
    String limit,
    String isolation) {

  /** Why the run ended. */
  public enum Ending {
    EXITED,
    TIMED_OUT,
    CANCELLED
  }

  /** The figures for the result's {@code usage}. */
  public ResourceUsage usage() {
    return ResourceUsage.newBuilder()
        .setWallMs(wall.toMillis())
        .setCpuMs(cpuMs)
        .setPeakMemoryBytes(peakRssBytes)
        .setLimit(limit)
        .setOutputBytes(stdoutBytes)
        .setOutputTruncated(stdoutTruncated)
        .setExitCode(ending == Ending.EXITED ? exitCode : null)
        .setSignal(signal)
        .setIsolation(isolation)
        .build();
  }
}

package dev.runex.workers.internal.execution.process;

import dev.runex.config.ExecutionLimits;
import dev.runex.schemas.ReasonCode;
import java.util.List;
import java.util.Locale;

/**
 * Which limit stopped a job, told from how it ended. rlimits do not announce themselves, so this
 * reads the evidence: the signal (SIGXCPU, SIGXFSZ), the CPU time used, and for refused allocations
 * and forks — which programs see as errors, not signals — the messages they print (Python's
 * MemoryError, glibc's "Cannot allocate memory", "Resource temporarily unavailable"). A job that
 * handles such an error and exits 0 was not stopped: only failed exits are diagnosed. Heuristic by
 * nature; docs/executors.md says so.
 */
final class LimitDiagnosis {
  static final int SIGKILL = 9;
  static final int SIGXCPU = 24;
  static final int SIGXFSZ = 25;

  private static final List<String> MEMORY =
      List.of(
          "memoryerror",
          "cannot allocate memory",
          "out of memory",
          "bad_alloc",
          "outofmemoryerror",
          "memory exhausted",
          "failed to reserve memory",
          "could not reserve enough space");
  private static final List<String> FILE_SIZE =
      List.of("file too large", "file size limit exceeded", "[errno 27]");
  private static final List<String> PIDS =
      List.of(
          "resource temporarily unavailable",
          "blockingioerror",
          "fork: retry",
          "cannot fork",
          "can't fork",
          "unable to create native thread",
          // bracketed as Python prints it: a bare "errno 11" is also the start of errno 110, 111,
          // 113 (timed out, connection refused, no route to host)
          "[errno 11]");

  private LimitDiagnosis() {}

  /**
   * @param exitCode the job's exit status (128 + signal, shell style, when a signal ended it)
   * @param signal the signal that ended it, or null
   * @param cpuMs CPU time used, or null when unmeasured
   * @return a {@link ReasonCode#isLimit() limit} code, or null when no limit explains the ending
   */
  static String diagnose(
      int exitCode,
      Integer signal,
      Long cpuMs,
      ExecutionLimits limits,
      String stderrTail,
      boolean outputTruncated) {
    int sig = signal != null ? signal : exitCode > 128 && exitCode < 160 ? exitCode - 128 : 0;
    String err = stderrTail == null ? "" : stderrTail.toLowerCase(Locale.ROOT);
    if (sig == SIGXCPU || (cpuMs != null && cpuMs >= limits.cpu().toMillis() && sig == SIGKILL)) {
      return ReasonCode.CPU_LIMIT.code();
    }
    if (sig == SIGXFSZ) {
      return ReasonCode.FILE_SIZE_LIMIT.code();
    }
    if (exitCode != 0 || sig != 0) {
      if (mentions(err, MEMORY)) {
        return ReasonCode.MEMORY_LIMIT.code();
      }
      if (mentions(err, FILE_SIZE)) {
        return ReasonCode.FILE_SIZE_LIMIT.code();
      }
      if (mentions(err, PIDS)) {
        return ReasonCode.PIDS_LIMIT.code();
      }
    }
    return outputTruncated ? ReasonCode.OUTPUT_LIMIT.code() : null;
  }

  private static boolean mentions(String text, List<String> markers) {
    for (String m : markers) {
      if (text.contains(m)) {
        return true;
      }
    }
    return false;
  }
}

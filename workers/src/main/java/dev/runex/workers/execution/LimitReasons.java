package dev.runex.workers.execution;

/**
 * The values of {@code ResourceUsage.limit}: which limit stopped an attempt (or, for {@link
 * #OUTPUT_LIMIT}, cut its output). They double as the error codes of the failures they cause and as
 * the {@code limit} tag of {@code runex.job.limited}.
 */
public final class LimitReasons {
  public static final String TIMED_OUT = "TIMED_OUT";
  public static final String MEMORY_LIMIT = "MEMORY_LIMIT";
  public static final String CPU_LIMIT = "CPU_LIMIT";
  public static final String PIDS_LIMIT = "PIDS_LIMIT";
  public static final String FILE_SIZE_LIMIT = "FILE_SIZE_LIMIT";
  public static final String OUTPUT_LIMIT = "OUTPUT_LIMIT";
  public static final String CANCELLED = "CANCELLED";

  private LimitReasons() {}
}

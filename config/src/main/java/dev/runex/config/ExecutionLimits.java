package dev.runex.config;

import dev.runex.schemas.JobLimits;
import java.time.Duration;
import java.util.List;

/**
 * The execution limits of a job type ({@code runex.jobTypes.<name>.limits}): they are both the
 * values a job gets and the maxima a request may ask for in its own {@code limits} (requests can
 * only lower them). Which executor enforces what is documented in docs/executors.md; in short, the
 * process executor enforces all of them, the worker's admission control uses {@link #memoryBytes}
 * for every executor.
 *
 * @param memoryBytes address-space limit of each process (RLIMIT_AS) and the memory the job
 *     reserves from the worker's {@code runex.worker.memoryBudget}
 * @param cpu CPU time of each process (RLIMIT_CPU, whole seconds)
 * @param pids processes and threads the job may have at once (RLIMIT_NPROC under a per-job uid)
 * @param fileSizeBytes largest file the job may write (RLIMIT_FSIZE); also the size of its /tmp
 * @param outputBytes output kept (stdout, or the HTTP response body); the rest is dropped and
 *     flagged
 * @param network whether the job may use the network (process executor)
 * @param env names of the worker's environment variables a process job sees; every other variable
 *     is cleared
 */
public record ExecutionLimits(
    long memoryBytes,
    Duration cpu,
    int pids,
    long fileSizeBytes,
    long outputBytes,
    boolean network,
    List<String> env) {

  /** A result must fit one Kafka record (1 MB by default) next to everything else it carries. */
  public static final long MAX_OUTPUT_BYTES = 512 * 1024;

  public static final long MIN_MEMORY_BYTES = 16 * 1024 * 1024;

  /** The defaults of a process type. */
  public static final ExecutionLimits DEFAULT =
      new ExecutionLimits(
          256L * 1024 * 1024,
          Duration.ofSeconds(60),
          64,
          64L * 1024 * 1024,
          256 * 1024,
          false,
          List.of("PATH", "LANG", "LC_ALL", "TZ"));

  /**
   * Java handlers and HTTP calls share the worker's JVM: by default they declare less memory
   * against the worker's budget than a process of its own.
   */
  public static final long IN_WORKER_MEMORY_BYTES = 64L * 1024 * 1024;

  /** The defaults of a type with this executor. */
  public static ExecutionLimits defaultsFor(String executor) {
    ExecutionLimits d = DEFAULT;
    return JobTypeSpec.PROCESS.equals(executor)
        ? d
        : new ExecutionLimits(
            IN_WORKER_MEMORY_BYTES,
            d.cpu(),
            d.pids(),
            d.fileSizeBytes(),
            d.outputBytes(),
            d.network(),
            d.env());
  }

  public ExecutionLimits {
    env = List.copyOf(env);
    check("limits", memoryBytes, cpu, pids, fileSizeBytes, outputBytes);
  }

  /** Validates limit values; messages name {@code prefix.<limit>} and the bad value. */
  static void check(
      String prefix,
      long memoryBytes,
      Duration cpu,
      int pids,
      long fileSizeBytes,
      long outputBytes) {
    if (memoryBytes < MIN_MEMORY_BYTES) {
      throw new ConfigException(
          prefix + ".memory must be >= 16MB, was " + Sizes.format(memoryBytes));
    }
    if (cpu.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new ConfigException(prefix + ".cpu must be >= 1s, was " + cpu);
    }
    if (pids < 1) {
      throw new ConfigException(prefix + ".pids must be >= 1, was " + pids);
    }
    if (fileSizeBytes < 1) {
      throw new ConfigException(
          prefix + ".fileSize must be >= 1B, was " + Sizes.format(fileSizeBytes));
    }
    if (outputBytes < 0 || outputBytes > MAX_OUTPUT_BYTES) {
      throw new ConfigException(
          prefix
              + ".output must be between 0B and 512KB (a result must fit one Kafka record), was "
              + Sizes.format(outputBytes));
    }
  }

  /**
   * These limits lowered by a request's own: each given value is taken when it is lower, never when
   * it is higher (the validator refuses higher ones; a worker with tighter config clamps again).
   * {@code network: true} cannot turn on a network the type keeps off.
   */
  public ExecutionLimits withOverrides(JobLimits o) {
    if (o == null) {
      return this;
    }
    return new ExecutionLimits(
        o.getMemoryBytes() == null
            ? memoryBytes
            : Math.max(MIN_MEMORY_BYTES, Math.min(memoryBytes, o.getMemoryBytes())),
        o.getCpuMs() == null
            ? cpu
            : Duration.ofMillis(Math.min(cpu.toMillis(), Math.max(1000, o.getCpuMs()))),
        o.getPids() == null ? pids : Math.max(1, Math.min(pids, o.getPids())),
        o.getFileSizeBytes() == null
            ? fileSizeBytes
            : Math.max(1, Math.min(fileSizeBytes, o.getFileSizeBytes())),
        o.getOutputBytes() == null
            ? outputBytes
            : Math.max(0, Math.min(outputBytes, o.getOutputBytes())),
        network && (o.getNetwork() == null || o.getNetwork()),
        env);
  }
}

package dev.runex.workers;

import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import java.net.InetAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's settings, read once from {@link RunexConfig} ({@code runex.worker.*}).
 *
 * @param pool the pool served: the worker consumes {@code scheduled.<pool>}
 * @param workerId {@code runex.worker.id}, or host name + "-" + pid when unset
 * @param staticMembership whether the id was set explicitly (then it is also the group.instance.id)
 * @param groupId consumer group: {@code <prefix>worker.<pool>}
 * @param transactionalId {@code <prefix>worker.<pool>.<workerId>}
 * @param maxUncommitted the per-partition window, capped at {@link #MAX_UNCOMMITTED_CAP}
 * @param memoryBudget bytes the running jobs may declare in total (0: no budget)
 * @param minCommitGap see {@link CommitPolicy}
 */
record WorkerSettings(
    String pool,
    String workerId,
    boolean staticMembership,
    String groupId,
    String transactionalId,
    int concurrency,
    Duration commitInterval,
    Duration minCommitGap,
    int maxBuffered,
    int maxUncommitted,
    Duration drainTimeout,
    Duration transactionTimeout,
    Duration sessionTimeout,
    long memoryBudget) {

  /**
   * Completed offsets above the commit point travel in the commit metadata as a bitset; this cap
   * keeps the worst case (about 2.8 KB with a full poll batch on top) below Kafka's default
   * offset.metadata.max.bytes of 4096.
   */
  public static final int MAX_UNCOMMITTED_CAP = 16_384;

  private static final Logger log = LoggerFactory.getLogger(WorkerSettings.class);

  /** The consumer group of a pool's workers: {@code <prefix>worker.<pool>}. */
  public static String groupId(RunexConfig cfg, String pool) {
    return cfg.workerGroupId(pool);
  }

  public static WorkerSettings from(RunexConfig cfg) {
    String pool = cfg.string(Settings.WORKER_POOL);
    String explicitId = cfg.string(Settings.WORKER_ID).trim();
    String workerId = explicitId.isEmpty() ? defaultWorkerId() : explicitId;
    String groupId = cfg.workerGroupId(pool);
    int maxUncommitted = cfg.intValue(Settings.WORKER_MAX_UNCOMMITTED);
    if (maxUncommitted > MAX_UNCOMMITTED_CAP) {
      log.warn(
          "{} is {}, above the {} the commit metadata can carry: using {}",
          Settings.WORKER_MAX_UNCOMMITTED.key(),
          maxUncommitted,
          MAX_UNCOMMITTED_CAP,
          MAX_UNCOMMITTED_CAP);
      maxUncommitted = MAX_UNCOMMITTED_CAP;
    }
    return new WorkerSettings(
        pool,
        workerId,
        !explicitId.isEmpty(),
        groupId,
        groupId + "." + workerId,
        cfg.intValue(Settings.WORKER_CONCURRENCY),
        cfg.duration(Settings.WORKER_COMMIT_INTERVAL),
        cfg.duration(Settings.WORKER_MIN_COMMIT_GAP),
        cfg.intValue(Settings.WORKER_MAX_BUFFERED),
        maxUncommitted,
        cfg.duration(Settings.WORKER_DRAIN_TIMEOUT),
        cfg.duration(Settings.WORKER_TRANSACTION_TIMEOUT),
        cfg.duration(Settings.WORKER_SESSION_TIMEOUT),
        cfg.bytes(Settings.WORKER_MEMORY_BUDGET));
  }

  /** When the worker commits: {@code runex.worker.commitInterval} and {@code minCommitGap}. */
  CommitPolicy commitPolicy() {
    return new CommitPolicy(commitInterval, minCommitGap);
  }

  /** Host name (the pod name on Kubernetes) and process id: unique, but new after every restart. */
  static String defaultWorkerId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "worker";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}

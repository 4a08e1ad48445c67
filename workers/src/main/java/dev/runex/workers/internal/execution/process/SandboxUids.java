package dev.runex.workers.internal.execution.process;

import java.util.BitSet;

/**
 * Leases a uid of its own to each running process job, so RLIMIT_NPROC (which Linux counts per real
 * uid, and never enforces for root) counts exactly that job's processes, and jobs cannot signal,
 * trace or read each other. The range is {@code base .. base + size - 1}; the default base is
 * derived from the worker's pid so two workers on one host rarely share uids. The uids need no
 * passwd entry.
 */
public final class SandboxUids {
  public static final int SIZE = 1000;
  private final int base;
  private final BitSet leased = new BitSet(SIZE);

  public SandboxUids(int base) {
    if (base < 1000 || (long) base + SIZE > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "uid base must leave room for " + SIZE + " uids above 999, was " + base);
    }
    this.base = base;
  }

  private static final SandboxUids THIS_PROCESS =
      new SandboxUids(1_000_000 + (int) (ProcessHandle.current().pid() % 100_000) * SIZE);

  /**
   * This JVM's range, 1,000,000 + (pid mod 100,000) × 1,000, and its one allocator: every worker in
   * the JVM (one per pool) leases from it, so no two running jobs of the process share a uid.
   */
  public static SandboxUids forThisProcess() {
    return THIS_PROCESS;
  }

  public synchronized int lease() {
    int i = leased.nextClearBit(0);
    if (i >= SIZE) {
      throw new IllegalStateException("more than " + SIZE + " process jobs at once in one worker");
    }
    leased.set(i);
    return base + i;
  }

  public synchronized void release(int uid) {
    leased.clear(uid - base);
  }
}

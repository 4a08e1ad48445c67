package dev.runex.workers.internal.admission;

/**
 * A worker's memory budget ({@code runex.worker.memoryBudget}): running jobs reserve what they
 * declare ({@code limits.memory}) and give it back when their executor has really let go — for a
 * process job, once its last process is gone. A capacity of 0 means no budget. Thread-safe:
 * reservations happen on the poll loop, releases on handler threads.
 */
public final class MemoryBudget {
  private final long capacity;
  private long reserved;

  public MemoryBudget(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("memory budget must be >= 0, was " + capacityBytes);
    }
    this.capacity = capacityBytes;
  }

  /** Whether a job declaring {@code bytes} could ever start here (it fits the whole budget). */
  public boolean canEverFit(long bytes) {
    return capacity == 0 || bytes <= capacity;
  }

  /** Reserves {@code bytes} if they fit now. */
  public synchronized boolean tryReserve(long bytes) {
    if (capacity != 0 && reserved + bytes > capacity) {
      return false;
    }
    reserved += bytes;
    return true;
  }

  public synchronized void release(long bytes) {
    reserved = Math.max(0, reserved - bytes);
  }

  public synchronized long reserved() {
    return reserved;
  }

  public long capacity() {
    return capacity;
  }
}

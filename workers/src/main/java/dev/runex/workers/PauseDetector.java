package dev.runex.workers;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notices that the whole process stood still — a SIGSTOP, a paused VM, a host so starved that no
 * thread ran — as opposed to the poll loop waiting in a long call (a commit, a committed-offset
 * fetch behind another member's open transaction) while the rest of the process, the consumer's
 * heartbeat included, went on. A daemon thread wakes every {@link #TICK_MS} ms; how much later than
 * that it woke is how long the process stood still. Only a process that stood still longer than the
 * session timeout can have lost its partitions without its heartbeat noticing.
 */
final class PauseDetector implements AutoCloseable {
  static final long TICK_MS = 100;

  private final Clock clock;
  private final Thread thread;
  private final AtomicLong longestMs = new AtomicLong();
  private volatile long lastTick;
  private volatile boolean closed;

  PauseDetector(Clock clock, String name) {
    this.clock = clock;
    this.lastTick = clock.millis();
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The longest time the process stood still since the last call (counting a stop this thread has
   * not woken from yet), then starts counting afresh.
   */
  long takeLongestStallMillis() {
    long running = clock.millis() - lastTick - TICK_MS;
    long recorded = longestMs.getAndSet(0);
    if (running > recorded) {
      lastTick = clock.millis(); // counted now: not again
      return running;
    }
    return recorded;
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
      long now = clock.millis();
      long stall = now - lastTick - TICK_MS;
      longestMs.accumulateAndGet(stall, Math::max);
      lastTick = now;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}

package dev.runex.launcher.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a long-running command alive until SIGTERM/SIGINT, then closes what it started in reverse
 * order (workers drain and commit before the broker goes away).
 */
public final class Lifetime {
  private static final Logger LOG = LoggerFactory.getLogger(Lifetime.class);
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;

  public Lifetime() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "runex-shutdown"));
  }

  public synchronized <T extends AutoCloseable> T add(T resource) {
    resources.push(resource);
    return resource;
  }

  /**
   * Exits the process with status 1 when {@code failed} turns true (a topology that stopped itself,
   * a fenced worker), so a supervisor such as Kubernetes restarts it instead of leaving a process
   * that looks alive and does nothing.
   */
  public void exitWhen(BooleanSupplier failed, String what) {
    Thread watchdog =
        new Thread(
            () -> {
              while (!closing) {
                if (failed.getAsBoolean() && !closing) {
                  LOG.error("{} stopped unexpectedly; exiting with status 1", what);
                  System.exit(1);
                }
                try {
                  Thread.sleep(1_000);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "runex-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  public boolean closing() {
    return closing;
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  public void closeAll() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    while (true) {
      AutoCloseable r;
      synchronized (this) {
        r = resources.poll();
      }
      if (r == null) {
        break;
      }
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("while stopping {}: {}", r.getClass().getSimpleName(), e.toString());
      }
    }
    stopped.countDown();
  }
}

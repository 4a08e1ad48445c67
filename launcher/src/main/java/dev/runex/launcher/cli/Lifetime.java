package dev.runex.launcher.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a long-running command alive until SIGTERM/SIGINT, then closes what it started, saying what
 * it stops. Resources are grouped in stages, stopped newest stage first (workers drain and commit
 * before the broker goes away); the resources of one stage do not depend on each other and stop at
 * the same time, each on its own thread. A stage may have a time limit: past it, shutdown goes on
 * to the next stage without waiting further (for a local stack whose data is deleted next).
 */
public final class Lifetime {
  private static final Logger LOG = LoggerFactory.getLogger(Lifetime.class);
  private final Deque<Stage> stages = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Consumer<String> report;
  private volatile boolean closing;

  /** A lifetime that reports its shutdown steps to the log. */
  public Lifetime() {
    this(line -> LOG.info("{}", line));
  }

  /** A lifetime that reports its shutdown steps to {@code report} (e.g. the user's terminal). */
  public Lifetime(Consumer<String> report) {
    this.report = report;
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "runex-shutdown"));
  }

  /** Adds {@code resource} as a stage of its own, stopped before everything added earlier. */
  public synchronized <T extends AutoCloseable> T add(String what, T resource) {
    return stage(null).add(what, resource);
  }

  /**
   * Adds a clean-up step (files to remove) as a stage of its own, run after everything added later;
   * reported as "removing {@code what}".
   */
  public synchronized <T extends AutoCloseable> T cleanup(String what, T resource) {
    Stage stage = new Stage(null, "removing");
    stages.push(stage);
    return stage.add(what, resource);
  }

  /**
   * A new stage, stopped before everything added earlier; what is added to it stops together,
   * within {@code limit} (null: no limit).
   */
  public synchronized Stage stage(Duration limit) {
    Stage stage = new Stage(limit, "stopping");
    stages.push(stage);
    return stage;
  }

  /** Resources that stop together. */
  public final class Stage {
    private final Duration limit;
    private final String verb;
    private final List<Named> resources = new ArrayList<>();

    private Stage(Duration limit, String verb) {
      this.limit = limit;
      this.verb = verb;
    }

    public <T extends AutoCloseable> T add(String what, T resource) {
      synchronized (Lifetime.this) {
        resources.add(new Named(what, resource));
      }
      return resource;
    }
  }

  private record Named(String what, AutoCloseable resource) {}

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

  /** Stops every stage, newest first; idempotent. */
  public void closeAll() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    long started = System.nanoTime();
    boolean any = false;
    while (true) {
      Stage stage;
      List<Named> resources;
      synchronized (this) {
        stage = stages.poll();
        if (stage == null) {
          break;
        }
        resources = List.copyOf(stage.resources);
      }
      if (!resources.isEmpty()) {
        any = true;
        long stageStarted = System.nanoTime();
        closeStage(stage.verb, stage.limit, resources);
        LOG.info(
            "{} {}: {} ms",
            stage.verb,
            describe(resources),
            Duration.ofNanos(System.nanoTime() - stageStarted).toMillis());
      }
    }
    if (any) {
      report.accept(
          String.format(
              "stopped in %.1f s", Duration.ofNanos(System.nanoTime() - started).toMillis() / 1e3));
    }
    stopped.countDown();
  }

  private void closeStage(String verb, Duration limit, List<Named> resources) {
    report.accept(verb + " " + describe(resources) + "...");
    List<Thread> threads = new ArrayList<>();
    for (Named r : resources) {
      Thread t = new Thread(() -> closeQuietly(r), "runex-stop-" + r.what().replace(' ', '-'));
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    for (int i = 0; i < threads.size(); i++) {
      Thread t = threads.get(i);
      try {
        if (limit == null) {
          t.join();
        } else {
          long left = deadline - System.nanoTime();
          if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(t, left);
          }
          if (t.isAlive()) {
            report.accept(
                resources.get(i).what()
                    + " did not stop within "
                    + limit.toMillis()
                    + " ms; going on without it");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void closeQuietly(Named r) {
    try {
      r.resource().close();
    } catch (Exception e) {
      LOG.warn("while stopping {}: {}", r.what(), e.toString());
    }
  }

  private static String describe(List<Named> resources) {
    List<String> names = resources.stream().map(Named::what).toList();
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }
}

package dev.runex.workers.internal.execution;

import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.ResourceUsage;
import dev.runex.workers.handler.DeferJobException;
import dev.runex.workers.internal.execution.AttemptOutcome.Deferred;
import dev.runex.workers.internal.execution.AttemptOutcome.Failed;
import dev.runex.workers.internal.execution.AttemptOutcome.Succeeded;
import dev.runex.workers.internal.monitoring.JobMdc;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs attempts on a fixed pool of {@code threads} handler threads, each under its job's wall-clock
 * deadline.
 *
 * <p>On the deadline the attempt is reported as a retryable {@code TIMEOUT} failure at once and its
 * thread is interrupted. A handler that ignores the interrupt keeps its thread until it returns
 * (its return value is then discarded): the pool never grows, so such handlers lower the worker's
 * effective concurrency instead of leaking threads; {@link #hasFreeThread()} turns false when every
 * thread is held. Outputs larger than {@link #MAX_OUTPUT_BYTES} are permanent {@code
 * OUTPUT_TOO_LARGE} failures (a result record must fit a Kafka request).
 *
 * <p>Executors that enforce the deadline themselves (they must first stop a process tree or an HTTP
 * exchange, and report what it used) are started with a {@code timerSlack}: the runner's own
 * timeout then only fires that much later, as a backstop. Every outcome carries the attempt's
 * {@link ResourceUsage}: what the executor recorded ({@link AttemptContext#recordUsage}), else wall
 * time and the handler thread's CPU time. A {@link DeferJobException} becomes a {@link Deferred}
 * outcome.
 *
 * <p>Each outcome is handed to the attempt's callback exactly once, on a handler or timer thread.
 */
public final class JobRunner implements AutoCloseable {
  public static final int MAX_OUTPUT_BYTES = 512 * 1024;

  /** How long {@link #close()} waits for interrupted handlers (a process tree being killed). */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  /** What a java handler's attempt runs in. */
  public static final String IN_PROCESS = "in-process";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final int threads;
  private final Clock clock;
  private final ExecutorService pool;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicInteger busy = new AtomicInteger();

  public JobRunner(int threads, Clock clock) {
    this.threads = threads;
    this.clock = clock;
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            named("runex-job-"));
    this.timer = new ScheduledThreadPoolExecutor(1, named("runex-job-timeout-"));
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Whether a handler thread is free (threads held by handlers that ignored a timeout count as
   * busy).
   */
  public boolean hasFreeThread() {
    return busy.get() < threads;
  }

  /** Handler threads in use. */
  public int busy() {
    return busy.get();
  }

  /** Starts {@code body} for {@code ctx}; {@code onOutcome} receives the outcome once. */
  public RunningAttempt start(
      AttemptBody body, AttemptContext ctx, Consumer<AttemptOutcome> onOutcome) {
    return start(body, ctx, onOutcome, Duration.ZERO, () -> {});
  }

  /**
   * Starts {@code body} for {@code ctx}; {@code onOutcome} receives the outcome once. The runner's
   * timeout fires {@code timerSlack} after the deadline (zero for handlers that rely on it); {@code
   * onThreadFreed} runs when the handler has returned, whenever that is — after the outcome when a
   * handler outlives its timeout — so resources it held can be released then.
   */
  public RunningAttempt start(
      AttemptBody body,
      AttemptContext ctx,
      Consumer<AttemptOutcome> onOutcome,
      Duration timerSlack,
      Runnable onThreadFreed) {
    Attempt attempt = new Attempt(body, ctx, onOutcome, onThreadFreed);
    long delayMs =
        Math.max(0, Duration.between(clock.instant(), ctx.deadline().plus(timerSlack)).toMillis());
    attempt.timeout = timer.schedule(attempt::timeOut, delayMs, TimeUnit.MILLISECONDS);
    busy.incrementAndGet();
    try {
      pool.execute(attempt::run);
    } catch (RejectedExecutionException e) {
      busy.decrementAndGet();
      attempt.timeout.cancel(false);
      onThreadFreed.run();
      throw e;
    }
    return attempt;
  }

  /**
   * Interrupts every running handler and stops the threads (abandoned attempts rerun elsewhere).
   * Waits a bounded time for them, so process jobs can end their process trees before the worker
   * goes.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    pool.shutdownNow();
    try {
      pool.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long threadCpuNanos() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      // handlers that never return must not keep the JVM alive after the worker closed
      t.setDaemon(true);
      return t;
    };
  }

  /** One attempt: first report wins (handler result, timeout); interrupts only hit its own run. */
  private final class Attempt implements RunningAttempt {
    private final AttemptBody body;
    private final AttemptContext ctx;
    private final Consumer<AttemptOutcome> onOutcome;
    private final Runnable onThreadFreed;
    private final Object lock = new Object();
    private Thread thread;
    private boolean reported;
    private volatile ScheduledFuture<?> timeout;

    Attempt(
        AttemptBody body,
        AttemptContext ctx,
        Consumer<AttemptOutcome> onOutcome,
        Runnable onThreadFreed) {
      this.body = body;
      this.ctx = ctx;
      this.onOutcome = onOutcome;
      this.onThreadFreed = onThreadFreed;
    }

    @Override
    public AttemptContext context() {
      return ctx;
    }

    void run() {
      try {
        synchronized (lock) {
          if (reported) {
            return;
          }
          thread = Thread.currentThread();
        }
        // abandoned before it got a thread: report without running, so its key is released
        report(ctx.isCancelled() ? cancelledBeforeStart() : execute());
      } finally {
        synchronized (lock) {
          thread = null;
        }
        // interrupts are only sent under the lock while thread is set, so this clears any late one
        Thread.interrupted();
        ScheduledFuture<?> t = timeout;
        if (t != null) {
          t.cancel(false);
        }
        busy.decrementAndGet();
        onThreadFreed.run();
      }
    }

    private AttemptOutcome execute() {
      long cpuStart = threadCpuNanos();
      try (JobMdc mdc = JobMdc.put(ctx.job())) {
        String output = body.run(ctx);
        if (ctx.timedOut()) {
          return timedOut();
        }
        Instant now = clock.instant();
        if (output != null && output.length() > MAX_OUTPUT_BYTES / 3) {
          int bytes = output.getBytes(StandardCharsets.UTF_8).length;
          if (bytes > MAX_OUTPUT_BYTES) {
            return new Failed(
                FailureClassifier.outputTooLarge(bytes, MAX_OUTPUT_BYTES),
                ctx.startedAt(),
                now,
                usage(now, cpuStart));
          }
        }
        return new Succeeded(output, ctx.startedAt(), now, usage(now, cpuStart));
      } catch (DeferJobException d) {
        return new Deferred(d.getMessage(), d.until(), ctx.startedAt(), clock.instant());
      } catch (
          Throwable
              t) { // NOPMD: a handler's Error must still end its attempt, or the job would hang
        if (ctx.timedOut()) {
          return timedOut();
        }
        Instant now = clock.instant();
        return new Failed(
            FailureClassifier.classify(t), ctx.startedAt(), now, usage(now, cpuStart));
      }
    }

    /** What the executor recorded, else wall time and this thread's CPU time. */
    private ResourceUsage usage(Instant now, long cpuStart) {
      if (ctx.usage() != null) {
        return ctx.usage();
      }
      long cpuEnd = threadCpuNanos();
      // Not the builder: its build() looks up and copies every unset field's schema default, for
      // each attempt; every field's default here is Java's own (0, false, null).
      ResourceUsage usage = new ResourceUsage();
      usage.setWallMs(Math.max(0, Duration.between(ctx.startedAt(), now).toMillis()));
      usage.setCpuMs(cpuStart < 0 || cpuEnd < 0 ? null : (cpuEnd - cpuStart) / 1_000_000);
      usage.setIsolation(IN_PROCESS);
      return usage;
    }

    void timeOut() {
      ctx.cancel(AttemptContext.Cancellation.TIMED_OUT);
      if (!ctx.timedOut()) {
        return; // abandoned first: nobody waits for this outcome
      }
      report(timedOut());
      interrupt();
    }

    @Override
    public void cancel() {
      ctx.cancel(AttemptContext.Cancellation.CANCELLED);
      // the deadline timer stays: a handler that ignores the interrupt still ends at its timeout
      interrupt();
    }

    @Override
    public void abandon() {
      ctx.cancel(AttemptContext.Cancellation.ABANDONED);
      ScheduledFuture<?> t = timeout;
      if (t != null) {
        t.cancel(false);
      }
      interrupt();
    }

    private void interrupt() {
      synchronized (lock) {
        if (thread != null) {
          thread.interrupt();
        }
      }
    }

    private AttemptOutcome cancelledBeforeStart() {
      return ctx.timedOut()
          ? timedOut()
          : new Failed(FailureClassifier.abandoned(), ctx.startedAt(), clock.instant());
    }

    private AttemptOutcome timedOut() {
      Duration limit = Duration.between(ctx.startedAt(), ctx.deadline());
      Instant now = clock.instant();
      ResourceUsage usage =
          ctx.usage() != null
              ? ctx.usage()
              : ResourceUsage.newBuilder()
                  .setWallMs(Math.max(0, Duration.between(ctx.startedAt(), now).toMillis()))
                  .setLimit(ReasonCode.TIMED_OUT.code())
                  .setIsolation(IN_PROCESS)
                  .build();
      return new Failed(FailureClassifier.timeout(limit), ctx.startedAt(), now, usage);
    }

    private void report(AttemptOutcome outcome) {
      synchronized (lock) {
        if (reported) {
          return;
        }
        reported = true;
      }
      onOutcome.accept(outcome);
    }
  }
}

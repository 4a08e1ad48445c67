package dev.runex.workers.internal.execution;

import static dev.runex.workers.testing.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.ResourceUsage;
import dev.runex.workers.handler.DeferJobException;
import dev.runex.workers.handler.JobContext;
import dev.runex.workers.handler.JobHandler;
import dev.runex.workers.handler.PermanentJobException;
import dev.runex.workers.internal.execution.AttemptOutcome.Deferred;
import dev.runex.workers.internal.execution.AttemptOutcome.Failed;
import dev.runex.workers.internal.execution.AttemptOutcome.Succeeded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
  private final JobRunner runner = new JobRunner(1, Clock.systemUTC());

  @AfterEach
  void stop() {
    runner.close();
  }

  @Test
  void reportsTheHandlersOutput() throws Exception {
    AttemptOutcome outcome =
        run(AttemptBody.of(new EchoHandler()), Map.of("message", "hi"), Duration.ofSeconds(5));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Succeeded.class, s -> assertThat(s.output()).isEqualTo("{\"message\":\"hi\"}"));
  }

  @Test
  void timeoutInterruptsASleepingHandlerAndRecordsTimedOut() throws Exception {
    CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
    AttemptBody sleeper =
        handler(
            ctx -> {
              try {
                new SleepHandler().handle(ctx);
                interrupted.complete(false);
              } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
              }
              return "done";
            });

    AttemptOutcome outcome = run(sleeper, Map.of("ms", 60_000L), Duration.ofMillis(100));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.failure().code()).isEqualTo("TIMEOUT");
              assertThat(f.failure().timedOut()).isTrue();
              assertThat(f.failure().retryable()).isTrue();
            });
    assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.busy() == 0);
  }

  @Test
  void classifiesWhatTheHandlerThrows() throws Exception {
    AttemptOutcome outcome =
        run(AttemptBody.of(new FailHandler()), Map.of("permanent", true), Duration.ofSeconds(5));

    assertThat(outcome)
        .isInstanceOfSatisfying(Failed.class, f -> assertThat(f.failure().retryable()).isFalse());
  }

  @Test
  void handlerIgnoringTheInterruptIsTimedOutButKeepsItsThreadUntilItReturns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AttemptBody stubborn =
        handler(
            ctx -> {
              while (true) {
                try {
                  release.await();
                  return "late";
                } catch (InterruptedException ignored) {
                  // deliberately ignores interruption
                }
              }
            });
    List<AttemptOutcome> outcomes = new CopyOnWriteArrayList<>();

    runner.start(stubborn, context(Map.of(), Duration.ofMillis(50)), outcomes::add);

    await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);
    assertThat(outcomes.get(0))
        .isInstanceOfSatisfying(
            Failed.class, f -> assertThat(f.failure().code()).isEqualTo("TIMEOUT"));
    assertThat(runner.hasFreeThread()).as("the only thread is still held").isFalse();

    release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(runner::hasFreeThread);
    assertThat(outcomes).as("the late return is discarded").hasSize(1);
  }

  @Test
  void abandonedAttemptIsCancelledInterruptedAndReportedOnce() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean sawCancel = new AtomicBoolean();
    AttemptBody waiter =
        handler(
            ctx -> {
              started.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                sawCancel.set(ctx.isCancelled());
                throw e;
              }
              return "never";
            });
    List<AttemptOutcome> outcomes = new CopyOnWriteArrayList<>();

    RunningAttempt attempt =
        runner.start(waiter, context(Map.of(), Duration.ofSeconds(30)), outcomes::add);
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    attempt.abandon();

    await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);
    assertThat(sawCancel).isTrue();
    assertThat(outcomes.get(0)).isInstanceOf(Failed.class);
  }

  @Test
  void oversizedOutputIsAPermanentFailure() throws Exception {
    AttemptBody big = handler(ctx -> "x".repeat(JobRunner.MAX_OUTPUT_BYTES + 1));

    AttemptOutcome outcome = run(big, Map.of(), Duration.ofSeconds(5));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.failure().code()).isEqualTo("OUTPUT_TOO_LARGE");
              assertThat(f.failure().retryable()).isFalse();
            });
  }

  @Test
  void setsTheJobMdcForTheHandler() throws Exception {
    AttemptBody mdc =
        handler(ctx -> org.slf4j.MDC.get("job.id") + "/" + org.slf4j.MDC.get("attempt"));

    AttemptOutcome outcome = run(mdc, Map.of(), Duration.ofSeconds(5));

    assertThat(((Succeeded) outcome).output()).isEqualTo("j1/1");
  }

  @Test
  void javaAttemptsReportWallAndThreadCpuTime() throws Exception {
    AttemptBody spin =
        handler(
            ctx -> {
              long x = 0;
              for (int i = 0; i < 20_000_000; i++) {
                x += i % 7;
              }
              return Long.toString(x);
            });

    AttemptOutcome outcome = run(spin, Map.of(), Duration.ofSeconds(10));

    assertThat(outcome.usage().getIsolation()).isEqualTo(JobRunner.IN_PROCESS);
    assertThat(outcome.usage().getCpuMs()).isNotNull();
    assertThat(outcome.usage().getLimit()).isNull();
    // every other field at its schema default, as the builder would leave it
    assertThat(outcome.usage())
        .isEqualTo(
            ResourceUsage.newBuilder()
                .setWallMs(outcome.usage().getWallMs())
                .setCpuMs(outcome.usage().getCpuMs())
                .setIsolation(JobRunner.IN_PROCESS)
                .build());
  }

  @Test
  void whatTheExecutorRecordsIsTheAttemptsUsage() throws Exception {
    ResourceUsage measured =
        ResourceUsage.newBuilder()
            .setWallMs(5)
            .setPeakMemoryBytes(1234L)
            .setIsolation("bubblewrap")
            .build();
    AttemptBody recording =
        executor(
            ctx -> {
              ctx.recordUsage(measured);
              throw new PermanentJobException("EXIT_3", "exit code 3");
            });

    AttemptOutcome outcome = run(recording, Map.of(), Duration.ofSeconds(10));

    assertThat(outcome).isInstanceOf(Failed.class);
    assertThat(outcome.usage()).isEqualTo(measured);
  }

  @Test
  void aDeferralIsNeitherASuccessNorAFailure() throws Exception {
    Instant until = Instant.now().plusSeconds(30);
    AttemptBody deferring =
        handler(
            ctx -> {
              throw new DeferJobException("breaker open", until);
            });

    AttemptOutcome outcome = run(deferring, Map.of(), Duration.ofSeconds(10));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Deferred.class,
            d -> {
              assertThat(d.until()).isEqualTo(until);
              assertThat(d.reason()).isEqualTo("breaker open");
            });
  }

  @Test
  void withTimerSlackASelfTimedExecutorReportsItsOwnTimeout() throws Exception {
    // the executor needs a moment past the deadline to stop its work and report what it used
    AttemptBody selfTimed =
        executor(
            ctx -> {
              while (Instant.now().isBefore(ctx.deadline().plusMillis(100))) {
                Thread.onSpinWait();
              }
              ctx.recordUsage(
                  ResourceUsage.newBuilder()
                      .setWallMs(150)
                      .setLimit(ReasonCode.TIMED_OUT.code())
                      .build());
              throw new AttemptTimedOutException("stopped at the deadline", Duration.ofMillis(50));
            });
    CompletableFuture<AttemptOutcome> outcome = new CompletableFuture<>();

    runner.start(
        selfTimed,
        context(Map.of(), Duration.ofMillis(50)),
        outcome::complete,
        Duration.ofSeconds(5),
        () -> {});

    assertThat(outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            Failed.class,
            f -> {
              assertThat(f.failure().code()).isEqualTo("TIMEOUT");
              assertThat(f.failure().timedOut()).isTrue();
              assertThat(f.usage().getWallMs()).isEqualTo(150);
            });
  }

  @Test
  void releasesResourcesOnlyWhenTheHandlerThreadIsFree() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean started = new AtomicBoolean();
    AtomicBoolean freed = new AtomicBoolean();
    AttemptBody stubborn =
        handler(
            ctx -> {
              started.set(true);
              while (true) {
                try {
                  release.await();
                  return "late";
                } catch (InterruptedException ignored) {
                  // deliberately ignores interruption, as a process being killed takes a moment
                }
              }
            });
    List<AttemptOutcome> outcomes = new CopyOnWriteArrayList<>();

    runner.start(
        stubborn,
        context(Map.of(), Duration.ofMillis(200)),
        outcomes::add,
        Duration.ZERO,
        () -> freed.set(true));
    await().atMost(Duration.ofSeconds(5)).until(() -> outcomes.size() == 1);

    // A handler that never got a thread before its deadline holds nothing (a starved machine can
    // time the attempt out before the thread runs); one that runs must keep its resources.
    boolean freedAtTimeout = freed.get();
    assertThat(freedAtTimeout && started.get())
        .as("timed out, but the handler still runs")
        .isFalse();
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).untilTrue(freed);
  }

  private AttemptOutcome run(AttemptBody handler, Map<String, Object> params, Duration timeout)
      throws Exception {
    CompletableFuture<AttemptOutcome> outcome = new CompletableFuture<>();
    runner.start(handler, context(params, timeout), outcome::complete);
    return outcome.get(10, TimeUnit.SECONDS);
  }

  private static AttemptContext context(Map<String, Object> params, Duration timeout) {
    Instant now = Instant.now();
    return new AttemptContext(job("j1", "t", params), "w1", now, now.plus(timeout));
  }

  /** A java handler from a lambda, run as the worker runs one: seeing only its JobContext. */
  private static AttemptBody handler(JavaHandler body) {
    return AttemptBody.of(
        new JobHandler() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public String handle(JobContext ctx) throws Exception {
            return body.handle(ctx);
          }
        });
  }

  /** An executor's body from a lambda: it also sees the attempt's runtime controls. */
  private static AttemptBody executor(AttemptBody body) {
    return body;
  }

  interface JavaHandler {
    String handle(JobContext ctx) throws Exception;
  }
}
